import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, importRun, uploadFile } from '../harness/imports.js';
import { spawnServer, type ServerProcess } from '../harness/process.js';
import { httpClient, startTestServer, type TestServer } from '../harness/server.js';

/*
 * An import survives its worker: the server process running the import job is SIGKILLed
 * mid-way; another process on the same database (and uploads directory) frees the dead
 * worker's job and continues from the last committed chunk — every record imported once, no
 * chunk applied twice.
 */

let db: TestServer;
const processes: ServerProcess[] = [];
const RECORDS = 2000;
const CHUNK = 40;

beforeAll(async () => {
  // Used for its database only; the servers under test run as separate processes.
  db = await startTestServer();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await db?.close();
});

async function eventually(check: () => Promise<boolean> | boolean, ms = 90_000, every = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return false;
}

describe('spreadsheet import across a crash', () => {
  it('a server SIGKILLed mid-import: another process resumes from the last committed chunk', async () => {
    const env = {
      DATABASE_URL: db.databaseUrl,
      RUN_WORKER: '1',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ot-import-crash-')),
      IMPORT_CHUNK_SIZE: String(CHUNK),
      WORKER_HEARTBEAT_SECONDS: '1',
      WORKER_STALE_SECONDS: '3',
    };
    const first = await spawnServer(env);
    processes.push(first);
    const client = httpClient(first.url);
    const admin = await client.login('admin@example.com');
    const rows = [['External ID', 'Code', 'Name', 'City']];
    for (let i = 0; i < RECORDS; i++) rows.push([`CR-${i}`, `CR-${String(i).padStart(5, '0')}`, `Warehouse ${i}`, 'Suzhou']);
    const up = await uploadFile(first.url, admin, 'warehouses.csv', csvOf(rows), { kind: 'WAREHOUSE', source: 'CRASH' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.id!;
    expect(await eventually(async () => (await importRun(client, admin, id)).status === 'VALIDATED')).toBe(true);
    const started = await client.gql<{ startImport: { __typename: string } }>(
      `mutation($id: ID!) { startImport(input: { id: $id }) { __typename } }`,
      { id },
      admin,
    );
    expect(started.data?.startImport.__typename).toBe('ImportRun');

    // Killed once a few chunks are in, long before the end.
    expect(await eventually(async () => (await importRun(client, admin, id)).processedRecords >= CHUNK * 3, 90_000, 20)).toBe(true);
    expect(await first.stop('SIGKILL')).toBeNull();
    const [atCrash] = await db.sql<{ processed_records: number; status: string; chunks_done: number }>(
      `select processed_records, status, chunks_done from import_run where id = $1`,
      [id],
    );
    expect(atCrash!.status).toBe('RUNNING');
    expect(atCrash!.processed_records).toBeLessThan(RECORDS);
    expect(atCrash!.processed_records).toBe(atCrash!.chunks_done * CHUNK);

    const second = await spawnServer(env);
    processes.push(second);
    const client2 = httpClient(second.url);
    const admin2 = await client2.login('admin@example.com');
    expect(await eventually(async () => (await importRun(client2, admin2, id)).status === 'COMPLETED', 150_000, 500), second.output()).toBe(
      true,
    );
    const run = await importRun(client2, admin2, id);
    expect(run).toMatchObject({ processedRecords: RECORDS, created: RECORDS, rejected: 0, updated: 0 });
    const [stored] = await db.sql<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct external_id)::int as distinct from warehouse where source = 'CRASH'`,
    );
    expect(stored).toEqual({ n: RECORDS, distinct: RECORDS });
    // One sync call per chunk: none was applied twice (a replayed chunk records no second call).
    const [calls] = await db.sql<{ n: number }>(
      `select count(*)::int as n from audit_event where action = 'sync.completed' and entity_id = 'CRASH'`,
    );
    expect(calls!.n).toBe(RECORDS / CHUNK);
    const [completed] = await db.sql<{ n: number }>(
      `select count(*)::int as n from audit_event where action = 'import.completed' and entity_id = $1`,
      [id],
    );
    expect(completed!.n).toBe(1);
    await second.stop();
  }, 300_000);
});
