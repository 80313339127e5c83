import type { EntityManager } from '@mikro-orm/postgresql';

/** A column of a set-based write: its name and its SQL type. */
export type Column = readonly [name: string, type: string];

/**
 * Writes `rows` (objects keyed by column name) into `table` in one statement:
 * `insert … select from jsonb_to_recordset(…) on conflict (source, external_id) do update`, the
 * update limited to rows whose `update` columns differ (`where … is distinct from …`), so that a
 * row written as it already is costs no new row version. The rows travel as one JSON parameter:
 * MikroORM inlines parameters into the SQL text, and one JSON literal is what that does cheaply
 * and without per-type escaping. Returns each written row's id and whether it was inserted.
 */
export async function upsertRows(
  em: EntityManager,
  table: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  update: readonly string[],
  { bumpVersion = false }: { bumpVersion?: boolean } = {},
): Promise<{ id: string; created: boolean }[]> {
  if (!rows.length) return [];
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  const set = [...update.map((c) => `"${c}" = excluded."${c}"`), 'updated_at = now()'];
  // The optimistic-lock version moves as a MikroORM update would move it.
  if (bumpVersion) set.push(`version = "${table}".version + 1`);
  return em.execute<{ id: string; created: boolean }[]>(
    `insert into "${table}" (${names})
     select ${names} from jsonb_to_recordset(?::jsonb) as x(${columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})
     on conflict (source, external_id) do update set ${set.join(', ')}
     where (${update.map((c) => `"${table}"."${c}"`).join(', ')}) is distinct from (${update.map((c) => `excluded."${c}"`).join(', ')})
     returning id, (xmax = 0) as created`,
    [JSON.stringify(rows)],
  );
}

/** Sets columns of rows by id from one JSON parameter: `update … from jsonb_to_recordset(…)`. */
export async function updateRows(
  em: EntityManager,
  table: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  set: string,
): Promise<void> {
  if (!rows.length) return;
  await em.execute(
    `update "${table}" t set ${set}, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as x(id uuid, ${columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})
      where t.id = x.id`,
    [JSON.stringify(rows)],
  );
}

/** Placeholders for an `in (…)` list of `n` values. */
export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * Reads and locks (`for update`) the stored rows of `externalIds` in `table` as plain rows: id,
 * external id, version and content hash, plus the `extra` select items (aliased, over `t`).
 */
export async function loadStored<T extends { sourceVersion: number | null }>(
  em: EntityManager,
  table: string,
  source: string,
  externalIds: string[],
  extra = '',
): Promise<T[]> {
  const found = await em.execute<T[]>(
    `select t.id, t.external_id as "externalId", t.source_version as "sourceVersion", t.content_hash as "contentHash"${extra}
       from "${table}" t where t.source = ? and t.external_id in (${placeholders(externalIds.length)}) order by t.id for update of t`,
    [source, ...externalIds],
  );
  // bigint arrives as text.
  for (const r of found) r.sourceVersion = r.sourceVersion == null ? null : Number(r.sourceVersion);
  return found;
}

/** The new version of UNCHANGED rows whose sender moved it (content as stored). */
export function writeVersions(em: EntityManager, table: string, rows: { id: string; sourceVersion: number }[]): Promise<void> {
  return updateRows(
    em,
    table,
    [['source_version', 'bigint']],
    rows.map((r) => ({ id: r.id, source_version: r.sourceVersion })),
    'source_version = x.source_version',
  );
}
