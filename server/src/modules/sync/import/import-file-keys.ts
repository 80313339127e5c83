import type { EntityManager } from '@mikro-orm/postgresql';
import type { RefKind } from '../sync-kind.js';
import type { ImportKindColumns } from './columns/column.js';
import { duplicateProblem, type BuiltRecord, type HeaderMap } from './record-builder.js';

/** The key kind of the records' own external ids; the others are the RefKinds records define. */
const OWN_IDS = '#record';

/**
 * The external ids a run's file has shown so far, in PostgreSQL (table import_file_key), one
 * chunk at a time. A set in the process would grow with every row of the file (100 000 rows, two
 * sets); here the process holds a chunk's ids at most, and a statement per chunk finds which came
 * earlier. Each id keeps the first row it was seen on, so that reading the file again (the import
 * after its dry run, a resumed import, a retried chunk) finds the same duplicates: a record is a
 * duplicate when its id was first seen on an earlier row than its own.
 */
export class ImportFileKeys {
  constructor(
    private readonly em: EntityManager,
    private readonly runId: string,
  ) {}

  private execute<T>(sql: string, params: unknown[]): Promise<T> {
    return this.em.getConnection().execute(sql, params, 'all', this.em.getTransactionContext()) as Promise<T>;
  }

  /** Records `ids` (first row each); those seen before keep their first row. */
  private async add(kind: string, ids: Map<string, number>): Promise<void> {
    if (!ids.size) return;
    await this.execute(
      `insert into import_file_key (run_id, kind, external_id, first_row)
       select ?, ?, x.id, x.row from jsonb_to_recordset(?::jsonb) as x(id text, row int)
       on conflict do nothing`,
      [this.runId, kind, JSON.stringify([...ids].map(([id, row]) => ({ id, row })))],
    );
  }

  /** The first row of each of `ids` the file has shown so far. */
  private async firstRows(kind: string, ids: string[]): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const rows = await this.execute<{ external_id: string; first_row: number }[]>(
      `select external_id, first_row from import_file_key where run_id = ? and kind = ? and external_id in (?)`,
      [this.runId, kind, ids],
    );
    return new Map(rows.map((r) => [r.external_id, r.first_row]));
  }

  /** Adds DUPLICATE_IN_FILE to the records whose external id an earlier row of the file had. */
  async markDuplicates(kind: ImportKindColumns, map: HeaderMap, chunk: BuiltRecord[]): Promise<void> {
    const first = new Map<string, number>();
    for (const record of chunk) {
      if (record.externalId && !first.has(record.externalId)) first.set(record.externalId, record.firstRow);
    }
    await this.add(OWN_IDS, first);
    const seen = await this.firstRows(OWN_IDS, [...first.keys()]);
    for (const record of chunk) {
      const row = record.externalId ? seen.get(record.externalId) : undefined;
      if (row !== undefined && row < record.firstRow) record.problems.push(duplicateProblem(kind, map, record));
    }
  }

  /** Which of `ids` valid records earlier in the file define as `kind`. */
  async defined(kind: RefKind, ids: string[]): Promise<Set<string>> {
    return new Set((await this.firstRows(kind, ids)).keys());
  }

  /** What valid records of a chunk define, for later rows to reference. */
  async define(entries: { kind: RefKind; externalId: string; row: number }[]): Promise<void> {
    const byKind = new Map<RefKind, Map<string, number>>();
    for (const e of entries) {
      if (!byKind.has(e.kind)) byKind.set(e.kind, new Map());
      const ids = byKind.get(e.kind)!;
      if (!ids.has(e.externalId)) ids.set(e.externalId, e.row);
    }
    for (const [kind, ids] of byKind) await this.add(kind, ids);
  }

  /** Forgets the file (its run is done, or its dry run starts over). */
  async clear(): Promise<void> {
    await this.execute(`delete from import_file_key where run_id = ?`, [this.runId]);
  }
}
