import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, download, importRun, uploadFile } from '../harness/imports.js';
import { liveClient, type LiveClient } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * Spreadsheet imports followed live (`importRunChanged`) and uploaded by an ERP's API key
 * (scope ERP_SYNC), against the real server and database.
 */

let server: TestServer;
let admin: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    env: { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ot-import-live-')), IMPORT_CHUNK_SIZE: '2' },
  });
  admin = await server.login('admin@example.com');
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await server?.close();
});

async function createKey(name: string, scopes: string[]): Promise<{ id: string; secret: string }> {
  const res = await server.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret apiKey { id } } } }`,
    { i: { name, scopes } },
    admin,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { id: res.data!.createApiKey.apiKey.id, secret: res.data!.createApiKey.secret };
}

/** Five warehouses: three chunks of two records (IMPORT_CHUNK_SIZE), one row with an error. */
function warehouses(prefix: string): Buffer {
  return csvOf([
    ['External ID', 'Code', 'Name', 'City'],
    ...[1, 2, 3, 4].map((i) => [`${prefix}-${i}`, `${prefix}-W${i}`, `仓库 ${i}`, 'Suzhou']),
    [`${prefix}-5`, '', 'No code', 'Suzhou'],
  ]);
}

interface RunEvent {
  id: string;
  status: string;
  validatedRecords: number;
  processedRecords: number;
  created: number;
  rejected: number;
  requestedByApiKey: string | null;
}
const WATCH = `subscription($id: ID!) { importRunChanged(id: $id) { id status validatedRecords processedRecords created rejected requestedByApiKey } }`;

async function watch(token: string, id: string) {
  const live = liveClient(server.url, `Bearer ${token}`);
  clients.push(live);
  return live.subscribe<RunEvent>(WATCH, { id });
}

async function start(id: string, token: string) {
  const res = await server.gql<{ startImport: { __typename: string; status?: string } }>(
    `mutation($id: ID!) { startImport(input: { id: $id }) { __typename ... on ImportRun { status } } }`,
    { id },
    token,
  );
  expect(res.data?.startImport, JSON.stringify(res)).toMatchObject({ __typename: 'ImportRun', status: 'QUEUED' });
}

describe('importRunChanged', () => {
  it('sends the run after every chunk of the dry run and of the import, up to COMPLETED', async () => {
    const up = await uploadFile(server.url, admin, 'warehouses.csv', warehouses('LV'), { kind: 'WAREHOUSE', source: 'LIVE-T' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.id!;
    const sub = await watch(admin, id);

    await server.app.runDueJobs();
    const validated = await sub.next((e) => e.status === 'VALIDATED');
    expect(validated).toMatchObject({ id, validatedRecords: 5, requestedByApiKey: null });
    // Progress on the way: the dry run's chunks (2, 4, 5 records checked).
    expect(sub.events.filter((e) => e.status === 'VALIDATING').map((e) => e.validatedRecords)).toEqual([2, 4, 5]);

    await start(id, admin);
    await sub.next((e) => e.status === 'QUEUED');
    await server.app.runDueJobs();
    const done = await sub.next((e) => e.status === 'COMPLETED');
    expect(done).toMatchObject({ processedRecords: 5, created: 4, rejected: 1 });
    expect(sub.events.filter((e) => e.status === 'RUNNING').map((e) => e.processedRecords)).toEqual([0, 2, 4, 5]);
    expect(sub.errors).toEqual([]);
    // Another run's changes are not sent to this subscription.
    const other = await uploadFile(server.url, admin, 'other.csv', warehouses('LW'), { kind: 'WAREHOUSE', source: 'LIVE-T' });
    await server.app.runDueJobs();
    expect((await importRun(server, admin, other.body.id!)).status).toBe('VALIDATED');
    expect(sub.events.every((e) => e.id === id)).toBe(true);
    sub.close();
  });

  it('is refused to users without erp:sync and to keys without ERP_SYNC', async () => {
    const clerk = await server.login('clerk@example.com');
    const reader = await createKey('live reader', ['ORDERS_READ', 'EVENTS_SUBSCRIBE']);
    for (const token of [clerk, reader.secret]) {
      const sub = await watch(token, '00000000-0000-4000-8000-000000000000');
      await expect.poll(() => sub.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(sub.errors)).toContain('FORBIDDEN');
    }
  });
});

describe('uploads by API key', () => {
  it('an ERP_SYNC key uploads, follows and imports a file; the run is its owner’s and imports as the key', async () => {
    const key = await createKey('ERP files', ['ERP_SYNC']);
    const tpl = await download(server.url, key.secret, '/imports/templates/warehouse.csv?lang=en');
    expect(tpl.status).toBe(200);
    const up = await uploadFile(server.url, key.secret, 'erp.csv', warehouses('KY'), { kind: 'WAREHOUSE', source: 'ERP-FILES' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.id!;
    const sub = await watch(key.secret, id);
    await server.app.runDueJobs();
    await sub.next((e) => e.status === 'VALIDATED');
    await start(id, key.secret);
    await server.app.runDueJobs();
    const done = await sub.next((e) => e.status === 'COMPLETED');
    expect(done).toMatchObject({ created: 4, rejected: 1 });
    expect(done.requestedByApiKey).toMatch(/^ERP files \(/);

    const [row] = await server.sql<{ email: string; key_id: string }>(
      `select u.email, r.requested_by_api_key_id as key_id from import_run r join app_user u on u.id = r.requested_by_id where r.id = $1`,
      [id],
    );
    expect(row).toEqual({ email: 'admin@example.com', key_id: key.id });
    // The records were synchronised by the key: its sync.completed events name it.
    const actors = await server.sql<{ actor_name: string }>(
      `select distinct actor_name from audit_event where action = 'sync.completed' and data->>'source' = 'ERP-FILES'`,
    );
    expect(actors.map((a) => a.actor_name)).toEqual([expect.stringMatching(/^API key ERP files/)]);
    const report = await download(server.url, key.secret, `/imports/${id}/errors.csv`);
    expect(report.status).toBe(200);
    expect(report.body.toString('utf8')).toContain('KY-5');
  });

  it('refuses keys without ERP_SYNC (403) and imports nothing once the uploading key is revoked', async () => {
    const reader = await createKey('reader', ['ORDERS_READ']);
    const refused = await uploadFile(server.url, reader.secret, 'r.csv', warehouses('RD'), { kind: 'WAREHOUSE' });
    expect(refused.status).toBe(403);

    const key = await createKey('ERP soon revoked', ['ERP_SYNC']);
    const up = await uploadFile(server.url, key.secret, 'rv.csv', warehouses('RV'), { kind: 'WAREHOUSE', source: 'ERP-REVOKED' });
    expect(up.status).toBe(201);
    await server.app.runDueJobs();
    await start(up.body.id!, key.secret);
    const revoked = await server.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: key.id }, admin);
    expect(revoked.errors).toBeUndefined();
    await server.app.runDueJobs();
    const run = await importRun(server, admin, up.body.id!);
    expect(run).toMatchObject({ status: 'FAILED', processedRecords: 0 });
    expect(run.error).toContain('API key');
    const [{ n }] = await server.sql<{ n: number }>(`select count(*)::int as n from warehouse where source = 'ERP-REVOKED'`);
    expect(n).toBe(0);
  });
});
