import { registerEnumType } from 'type-graphql';

/** The values object of a string enum made by `graphqlEnum`: every value is its own key, as in a TypeScript string enum. */
export type EnumObject<V extends string> = { readonly [K in V]: K };

/** The union of an enum object's values: `type X = EnumValue<typeof X>` plays the part of a string enum's type. */
export type EnumValue<E> = E[keyof E];

type EnumOptions<V extends string> = Omit<Parameters<typeof registerEnumType>[1], 'name' | 'valuesConfig'> & {
  valuesConfig?: Partial<Record<V, { description?: string; deprecationReason?: string }>>;
};

/**
 * A string enum declared once for TypeScript, MikroORM (`@Enum({ items: () => X })`) and the GraphQL schema:
 * the values in order, registered under `name`. Used instead of `enum X { A = 'A', … }` followed by
 * `registerEnumType(X, { name: 'X' })`, which wrote every value and the name twice in each module.
 */
export function graphqlEnum<const V extends string>(name: string, values: readonly V[], options: EnumOptions<V> = {}): EnumObject<V> {
  const object = Object.fromEntries(values.map((v) => [v, v])) as EnumObject<V>;
  registerEnumType(object, { ...options, name } as Parameters<typeof registerEnumType>[1]);
  return object;
}
