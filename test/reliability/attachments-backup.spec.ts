import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, upload } from '../harness/files.js';
import { adminQuery, withDatabase } from '../harness/database.js';
import { runCli } from '../harness/process.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

/* `pnpm backup` copies the local attachment folder beside the dump; `pnpm restore` puts it back. */
let server: TestServer;
let work: string;
const storage = () => path.join(work, 'storage');

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-attachments-backup-'));
  server = await startTestServer({ env: { STORAGE_DIR: storage() } });
}, 120_000);
afterAll(async () => {
  await server?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('attachments in backups', () => {
  it('backs up every stored file beside the dump (not uploads still arriving) and restores them', async () => {
    const wf = new Workflow(server);
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: '备份' })
    ).termination;
    const letter = FILES.pdf();
    const token = await server.login('clerk@example.com');
    const res = await upload(
      server.url,
      '/attachments',
      { terminationId: t!.id },
      { name: 'letter.pdf', content: letter },
      `Bearer ${token}`,
    );
    expect(res.status).toBe(201);
    const [row] = await server.sql<{ storage_key: string }>(`select storage_key from attachment where id = $1`, [res.body.id]);
    // A half-arrived upload lies in the incoming folder: it is not part of the backup.
    fs.writeFileSync(path.join(storage(), '.incoming', 'half.part'), 'partial');

    const file = path.join(work, 'nightly.dump');
    await runCli(['backup', file], { DATABASE_URL: server.databaseUrl, STORAGE_DIR: storage() });
    expect(fs.readFileSync(path.join(`${file}.attachments`, row!.storage_key)).equals(letter)).toBe(true);
    expect(fs.existsSync(path.join(`${file}.attachments`, '.incoming'))).toBe(false);

    const target = new URL(server.databaseUrl);
    target.pathname = `/${target.pathname.slice(1)}_files`;
    const restoredStorage = path.join(work, 'restored');
    try {
      await runCli(['restore', file], { DATABASE_URL: target.toString(), STORAGE_DIR: restoredStorage });
      expect(fs.readFileSync(path.join(restoredStorage, row!.storage_key)).equals(letter)).toBe(true);
      const restored = new pg.Client({ connectionString: target.toString() });
      await restored.connect();
      const { rows } = await restored.query(`select sha256 from attachment where id = $1`, [res.body.id]);
      await restored.end();
      expect(rows).toEqual([{ sha256: res.body.sha256 }]);
    } finally {
      await adminQuery(withDatabase(target.toString(), 'postgres'), `drop database if exists "${target.pathname.slice(1)}" with (force)`);
    }
  }, 180_000);
});
