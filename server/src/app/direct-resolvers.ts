import { getMetadataStorage } from 'type-graphql';
import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';

type Class = { new (): Record<string, (...args: unknown[]) => unknown> };

/** What type-graphql's metadata says about a @FieldResolver (the parts read here). */
interface FieldResolverMeta {
  kind: 'external' | 'internal';
  target: Class;
  methodName: string;
  getObjectType?: () => unknown;
  roles?: unknown[];
  middlewares?: unknown[];
  params?: { kind: string; index: number; propertyName?: string; getType?: () => unknown }[];
}

/**
 * Field resolvers that take only `@Root()` and `@Ctx()`, with no @Authorized and no middleware,
 * are called directly instead of through type-graphql's handler: per call that handler looks up
 * the resolver instance, sorts and maps the parameter list and dispatches through its middleware
 * runner, about 6 % of a large list response (50 terminations call ~600 such resolvers). The
 * direct call passes the same arguments: the root as given when it already is an instance of the
 * parameter's type (when it is not, type-graphql would convert it, so the call goes through
 * type-graphql's own resolver), and the whole context. Resolver classes hold no state, so one
 * instance per class serves, as type-graphql's default container does.
 *
 * The lookup mirrors type-graphql's schema generator (interface fields, then the type's own;
 * the first field resolver of a listed resolver class for the type and field).
 */
export function callFieldResolversDirectly(schema: GraphQLSchema, resolverClasses: readonly unknown[]): void {
  const storage = getMetadataStorage() as unknown as {
    objectTypes: {
      name: string;
      target: unknown;
      interfaceClasses?: unknown[];
      fields: { target: unknown; name: string; schemaName: string }[];
    }[];
    interfaceTypes: { target: unknown; fields?: { target: unknown; name: string; schemaName: string }[] }[];
    fieldResolvers: FieldResolverMeta[];
  };
  const resolvers = storage.fieldResolvers.filter((r) => r.kind === 'internal' || resolverClasses.includes(r.target));
  const instances = new Map<Class, Record<string, (...args: unknown[]) => unknown>>();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    const graphqlFields = type.getFields();
    const interfaceFields = storage.interfaceTypes
      .filter((it) => objectType.interfaceClasses?.includes(it.target))
      .flatMap((it) => it.fields ?? []);
    for (const field of [...interfaceFields, ...objectType.fields]) {
      const meta = resolvers.find((r) => r.getObjectType?.() === field.target && r.methodName === field.name);
      const graphqlField = graphqlFields[field.schemaName];
      if (!meta || !graphqlField?.resolve || !isPlain(meta)) continue;
      let instance = instances.get(meta.target);
      if (!instance) instances.set(meta.target, (instance = new meta.target()));
      graphqlField.resolve = direct(instance, meta, graphqlField.resolve);
    }
  }
}

/** External, unguarded, and only a whole root and a whole context as parameters. */
function isPlain(meta: FieldResolverMeta): boolean {
  if (meta.kind !== 'external' || meta.roles || meta.middlewares?.length) return false;
  if (meta.target.length !== 0) return false;
  return (meta.params ?? []).every((p) => (p.kind === 'root' || p.kind === 'context') && !p.propertyName);
}

function direct(
  instance: Record<string, (...args: unknown[]) => unknown>,
  meta: FieldResolverMeta,
  viaTypeGraphql: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  const method = instance[meta.methodName]!;
  const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
  const rootParam = params.find((p) => p.kind === 'root');
  let rootType: unknown;
  const rootAsIs = (root: unknown): boolean => {
    if (!rootParam?.getType || root === null || root === undefined) return true;
    rootType ??= rootParam.getType();
    return typeof rootType === 'function' && root instanceof (rootType as Class);
  };
  const kinds = params.map((p) => p.kind);
  if (kinds.length === 1 && kinds[0] === 'root') {
    return (root, args, context, info) => (rootAsIs(root) ? method.call(instance, root) : viaTypeGraphql(root, args, context, info));
  }
  if (kinds.length === 2 && kinds[0] === 'root' && kinds[1] === 'context') {
    return (root, args, context, info) =>
      rootAsIs(root) ? method.call(instance, root, context) : viaTypeGraphql(root, args, context, info);
  }
  return (root, args, context, info) =>
    rootAsIs(root)
      ? method.apply(
          instance,
          kinds.map((k) => (k === 'root' ? root : context)),
        )
      : viaTypeGraphql(root, args, context, info);
}
