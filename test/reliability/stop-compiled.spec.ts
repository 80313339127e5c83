import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTemplateDatabase, type ClonedDatabase } from '../harness/database.js';
import { liveClient } from '../harness/live.js';
import { type CompiledProcess, ensureServerBuilt, spawnCompiled } from '../harness/process.js';
import { httpClient } from '../harness/server.js';
import { startSmtpServer } from '../harness/smtp.js';
import { Workflow } from '../harness/workflow.js';

/**
 * Stopping the compiled server as it runs in production (`node server/dist/main.js …`, NODE_ENV
 * other than test, so Apollo's defaults apply): SIGTERM or Ctrl-C ends it with 0 within 10 s.
 */

const processes: CompiledProcess[] = [];
const databases: ClonedDatabase[] = [];
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
// The compiled server (server/dist) runs here; build it first when the sources are newer.
beforeAll(() => ensureServerBuilt(), 300_000);
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const database of databases) await database.drop().catch(() => undefined);
  await smtp?.close();
});

/** A database of its own, cloned from the seeded template. */
async function clonedDatabase(): Promise<string> {
  const database = await cloneTemplateDatabase('ot_stop');
  databases.push(database);
  return database.url;
}

async function start(command: 'start' | 'worker', env: Record<string, string>): Promise<CompiledProcess> {
  const p = await spawnCompiled(command, env);
  processes.push(p);
  return p;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within a second (an orphan is reaped by init a moment after its parent exits). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe('stopping the compiled server (NODE_ENV=production, external database)', () => {
  it('exits 0 within 10 s on SIGTERM and on SIGINT when idle', async () => {
    const env = { DATABASE_URL: await clonedDatabase(), SMTP_URL: smtp.url };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const server = await start('start', env);
      const { code, ms } = await server.signal(signal);
      expect(code, `${signal}\n${server.output()}`).toBe(0);
      expect(ms, signal).toBeLessThan(10_000);
      expect(server.output()).toMatch(/"msg":"stopped"/);
    }
  }, 120_000);

  it('lets an in-flight request and a running mail job finish, closes live sockets with 1001, exits 0 within 10 s', async () => {
    const databaseUrl = await clonedDatabase();
    smtp.setReplyDelay(2_500);
    try {
      const server = await start('start', { DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, RUN_WORKER: '1' });
      const api = httpClient(server.url);
      const wf = new Workflow(api);
      const t = (
        await wf.submit('clerk@example.com', {
          orderNumber: 'SO-2026-00001',
          reasonCode: 'CUSTOMER_CANCELLATION',
          explanation: 'stop test',
        })
      ).termination!;
      const accepted = smtp.received.length;
      const arriving = smtp.arriving();
      expect((await wf.approveAll(t.id)).status).toBe('AWAITING_CUSTOMER');
      // The worker is now in the middle of handing the confirmation mail to the (slow) relay.
      const deadline = Date.now() + 20_000;
      while (smtp.arriving() === arriving && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(smtp.arriving()).toBe(arriving + 1);

      const token = await wf.token('sales.head@example.com');
      const live = liveClient(server.url, `Bearer ${token}`);
      await live.subscribe(`subscription { approvalBoardChanged(department: "SALES") { kind } }`);

      // A request held up by a lock we own, so that it is still running when the signal comes.
      const blocker = new pg.Client({ connectionString: databaseUrl });
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query('lock table sales_order in access exclusive mode');
      const inFlight = api.gql<{ orders: { totalCount: number } }>(`{ orders(first: 1) { totalCount } }`, {}, token);
      await new Promise((r) => setTimeout(r, 300));

      const stopped = server.signal('SIGTERM');
      await new Promise((r) => setTimeout(r, 1_000));
      await blocker.query('rollback');
      await blocker.end();

      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.data?.orders.totalCount).toBeGreaterThan(0);
      const { code, ms } = await stopped;
      expect(code, server.output()).toBe(0);
      expect(ms).toBeLessThan(10_000);
      expect(await live.closed).toBe(1001);
      // The job that was running finished: the relay accepted the mail and the row says so.
      expect(smtp.received.length).toBe(accepted + 1);
      const check = new pg.Client({ connectionString: databaseUrl });
      await check.connect();
      const rows = (await check.query(`select status from mail_message where termination_id = $1`, [t.id])).rows;
      await check.end();
      expect(rows).toEqual([{ status: 'SENT' }]);
    } finally {
      smtp.setReplyDelay(0);
    }
  }, 120_000);

  it('the separate worker exits 0 within 10 s on SIGTERM and on SIGINT', async () => {
    const env = { DATABASE_URL: await clonedDatabase(), SMTP_URL: smtp.url };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const worker = await start('worker', env);
      const { code, ms } = await worker.signal(signal);
      expect(code, `${signal}\n${worker.output()}`).toBe(0);
      expect(ms, signal).toBeLessThan(10_000);
    }
  }, 120_000);
});

describe('stopping `pnpm start` with the embedded database', () => {
  it('Ctrl-C (SIGINT to the process group) and SIGTERM exit 0 within 10 s and stop PostgreSQL', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-stop-'));
    try {
      // As `pnpm start` runs it: no DATABASE_URL, no NODE_ENV.
      const env = { NODE_ENV: '', DATA_DIR: dataDir, SEED_DEMO: '0', SMTP_URL: smtp.url };
      const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
      for (const [signal, group] of [
        ['SIGINT', true],
        ['SIGTERM', false],
      ] as const) {
        const server = await start('start', env);
        const postgresPid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
        expect(alive(postgresPid)).toBe(true);
        const { code, ms } = await server.signal(signal, { group });
        expect(code, `${signal}\n${server.output()}`).toBe(0);
        expect(ms, signal).toBeLessThan(10_000);
        expect(await gone(postgresPid), 'the PostgreSQL process is gone').toBe(true);
        expect(fs.existsSync(pidFile)).toBe(false);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
