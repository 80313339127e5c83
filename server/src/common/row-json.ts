import type { EntityManager } from '@mikro-orm/postgresql';
import { ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import { plainColumn } from './read-model.js';

type EntityClass = { name: string };

export interface RowJsonOptions {
  /** Properties always fetched (e.g. what a cursor is made of), besides the primary key. */
  always?: readonly string[];
  /** Columns never sent out of the database, even as a whole row (e.g. password hashes). */
  omit?: readonly string[];
  /** Properties whose JSON the caller builds itself (e.g. a trimmed JSON document). */
  custom?: Readonly<Record<string, string>>;
}

/** The column behind a property of `meta`, or null (see plainColumn). */
function columnOf(meta: EntityMetadata, name: string): string | null {
  return plainColumn(meta.properties[name as never] as EntityMetadata['props'][number] | undefined);
}

function isCollection(meta: EntityMetadata, name: string): boolean {
  const kind = (meta.properties[name as never] as EntityMetadata['props'][number] | undefined)?.kind;
  return kind === ReferenceKind.ONE_TO_MANY || kind === ReferenceKind.MANY_TO_MANY;
}

/**
 * The SQL expression that turns row `alias` of `entity` into the JSON `readModel` reads, keyed by
 * column name: only the columns behind the GraphQL fields the client selected (a relation's
 * foreign key, a collection nothing beyond the primary key), so the database neither reads nor
 * prints what nobody asked for. When a selected field is computed (a getter or a field resolver
 * with no column of its own) its inputs are unknown, and the whole row is sent instead.
 *
 * `fields` are the names of the fields selected on this object.
 */
export function rowJson(
  em: EntityManager,
  entity: EntityClass,
  alias: string,
  fields: Iterable<string>,
  options: RowJsonOptions = {},
): string {
  const meta = em.getMetadata().get(entity.name);
  const custom = options.custom ?? {};
  const pairs = new Map<string, string>();
  const add = (name: string): boolean => {
    if (custom[name]) {
      pairs.set(columnOf(meta, name) ?? name, custom[name]);
      return true;
    }
    const column = columnOf(meta, name);
    if (column && !options.omit?.includes(column)) pairs.set(column, `${alias}.${quoteIdent(column)}`);
    return column !== null || isCollection(meta, name);
  };
  const wholeRow = () => {
    const omitted = [...(options.omit ?? []), ...Object.keys(custom).map((name) => columnOf(meta, name) ?? name)];
    const base = omitted.length ? `(to_jsonb(${alias}) - ${omitted.map(quoteLiteral).join(' - ')})` : `to_jsonb(${alias})`;
    const extra = Object.entries(custom).map(([name, sql]) => `${quoteLiteral(columnOf(meta, name) ?? name)}, ${sql}`);
    return extra.length ? `${base} || jsonb_build_object(${extra.join(', ')})` : base;
  };
  for (const pk of meta.primaryKeys) add(pk);
  for (const name of options.always ?? []) add(name);
  for (const name of fields) {
    if (name === '__typename') continue;
    if (!add(name)) return wholeRow();
  }
  return `json_build_object(${[...pairs].map(([column, sql]) => `${quoteLiteral(column)}, ${sql}`).join(', ')})`;
}

/** Names come from entity metadata, never from a request; quoting keeps reserved words working. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The names of the fields selected directly below `prefix` ('' for the top) in a set of dotted
 * selection paths; "a.b.c" names "a" at the top and "b" below "a".
 */
export function fieldsBelow(selected: Iterable<string>, prefix: string): Set<string> {
  const fields = new Set<string>();
  const start = prefix ? `${prefix}.` : '';
  for (const path of selected) {
    if (!path.startsWith(start)) continue;
    const rest = path.slice(start.length);
    const dot = rest.indexOf('.');
    fields.add(dot < 0 ? rest : rest.slice(0, dot));
  }
  return fields;
}
