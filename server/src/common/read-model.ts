import type { EntityManager } from '@mikro-orm/postgresql';
import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';

type EntityClass<T> = { new (...args: never[]): T; name: string };

const READ_MODEL = Symbol('readModel');

/** 'model' for a read model, 'stub' for a relation it did not fetch (only `{ id }`), else undefined. */
export function readModelState(value: object): 'model' | 'stub' | undefined {
  return (value as { [READ_MODEL]?: 'model' | 'stub' })[READ_MODEL];
}

const stubPrototype = Object.defineProperty({}, READ_MODEL, { value: 'stub' });

/**
 * Read-only instances of an entity class built from rows keyed by column name (e.g. PostgreSQL's
 * row_to_json), without the unit of work: no identity map, no snapshot, no change tracking.
 * GraphQL list reads use them; getters on the class (e.g. ApprovalStep.overdue) still work. A
 * many-to-one becomes a stub `{ id }` unless the caller links the fetched read model. Never
 * flush these (they are not managed).
 */
export function readModel<T extends object>(em: EntityManager, entity: EntityClass<T>): (row: Record<string, unknown>) => T {
  const meta = em.getMetadata().get(entity.name);
  let build = builders.get(meta);
  if (!build) builders.set(meta, (build = readModelBuilder(meta)));
  return build as (row: Record<string, unknown>) => T;
}

/**
 * The one column behind a property that rows and read models carry: a scalar, or the foreign
 * key of a many-to-one / owning one-to-one. Null for collections and computed properties.
 */
export function plainColumn(prop: EntityMetadata['props'][number] | undefined): string | null {
  if (!prop || prop.persist === false || prop.fieldNames?.length !== 1) return null;
  const plain =
    prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
  return plain ? prop.fieldNames[0]! : null;
}

/** One builder per entity (metadata is fixed once the ORM has started). */
const builders = new WeakMap<object, (row: Record<string, unknown>) => object>();

function readModelBuilder(meta: EntityMetadata): (row: Record<string, unknown>) => object {
  const props = meta.props
    .filter((p) => plainColumn(p) !== null)
    .map((p) => {
      const column = String(p.columnTypes?.[0] ?? p.type).toLowerCase();
      const kind =
        p.kind !== ReferenceKind.SCALAR
          ? 'ref'
          : column.startsWith('timestamp')
            ? 'date'
            : column.startsWith('numeric') || column.startsWith('decimal')
              ? 'decimal'
              : 'plain';
      // A reference stub carries the target's primary key under its own name (`id`, or e.g. `code`).
      const key = p.targetMeta?.primaryKeys[0] ?? 'id';
      return { name: p.name, column: p.fieldNames[0]!, kind, scale: p.scale ?? 2, key };
    });
  const byColumn = new Map(props.map((p) => [p.column, p]));
  // Own data properties on an intermediate prototype shadow MikroORM's tracking setters, so plain
  // assignment on the instances stays a plain property write.
  const prototype = Object.create(meta.prototype as object) as Record<string, unknown>;
  Object.defineProperty(prototype, READ_MODEL, { value: 'model' });
  for (const p of props)
    Object.defineProperty(prototype, p.name, { value: undefined, writable: true, enumerable: false, configurable: true });
  // Columns the row does not carry stay undefined (not fetched), unlike SQL nulls.
  return (row) => {
    const target = Object.create(prototype) as Record<string, unknown>;
    for (const column in row) {
      const p = byColumn.get(column);
      if (!p) continue;
      const value = row[column];
      if (value === null || value === undefined) target[p.name] = null;
      else if (p.kind === 'ref') target[p.name] = Object.assign(Object.create(stubPrototype) as object, { [p.key]: value });
      else if (p.kind === 'date') target[p.name] = new Date(value as string);
      // JSON prints numeric as a number; the entity keeps money as a two-place string.
      else if (p.kind === 'decimal') target[p.name] = typeof value === 'number' ? value.toFixed(p.scale) : String(value);
      else target[p.name] = value;
    }
    return target;
  };
}
