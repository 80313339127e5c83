import type pg from 'pg';

/** Column-wise buffer for one table, written with a single `insert … select from unnest(…)`. */
export class Rows {
  private readonly values: unknown[][];

  constructor(
    private readonly table: string,
    private readonly columns: readonly (readonly [name: string, pgType: string])[],
  ) {
    this.values = columns.map(() => []);
  }

  add(row: readonly unknown[]): void {
    for (let i = 0; i < row.length; i++) this.values[i]!.push(row[i]);
  }

  get size(): number {
    return this.values[0]!.length;
  }

  async insert(client: pg.Client): Promise<void> {
    if (this.size === 0) return;
    const names = this.columns.map(([name]) => `"${name}"`).join(', ');
    const params = this.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    await client.query(`insert into "${this.table}" (${names}) select * from unnest(${params})`, this.values);
  }
}

/**
 * Writes one batch in one transaction: the buffers in the order given (parents before children:
 * the foreign keys are checked row by row), then whatever `after` changes.
 */
export async function writeBatch(client: pg.Client, buffers: readonly Rows[], after: () => Promise<void>): Promise<void> {
  await client.query('begin');
  try {
    for (const rows of buffers) await rows.insert(client);
    await after();
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
