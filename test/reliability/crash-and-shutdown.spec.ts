import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient } from '../harness/live.js';
import { spawnServer, type ServerProcess } from '../harness/process.js';
import { httpClient, startTestServer, type TestServer } from '../harness/server.js';
import { startSmtpServer } from '../harness/smtp.js';
import { Workflow } from '../harness/workflow.js';

let db: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const processes: ServerProcess[] = [];
beforeAll(async () => {
  // Used for its database only; the server under test runs as separate processes.
  db = await startTestServer();
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await db?.close();
  await smtp?.close();
});

/** Polls an outcome (not a timer): true once `check` holds, false after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 90_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('crash recovery', () => {
  it('mail queued when the server is SIGKILLed is delivered after restart, each message once', async () => {
    const env = { DATABASE_URL: db.databaseUrl, SMTP_URL: smtp.url, RUN_WORKER: '0' };
    const first = await spawnServer(env);
    processes.push(first);
    const wf = new Workflow(httpClient(first.url));
    const orders = await db.sql<{ number: string }>(
      `select o.number from sales_order o join contract c on c.id = o.contract_id where o.status = 'CONFIRMED' and c.customer_confirmation_required
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity) order by o.number limit 3`,
    );
    for (const { number } of orders) {
      const t = (
        await wf.submit('clerk@example.com', { orderNumber: number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'crash test' })
      ).termination!;
      expect((await wf.approveAll(t.id)).status).toBe('AWAITING_CUSTOMER');
    }
    const [{ queued }] = await db.sql<{ queued: number }>(`select count(*)::int as queued from mail_message where status = 'QUEUED'`);
    expect(queued).toBe(3);
    expect(smtp.received).toHaveLength(0);

    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await spawnServer({ ...env, RUN_WORKER: '1' });
    processes.push(second);
    // The SMTP server accepts a message before the worker marks its row SENT, so wait for both
    // outcomes, then for the job queue to drain, before counting deliveries.
    const sentCount = async () =>
      (await db.sql<{ sent: number }>(`select count(*)::int as sent from mail_message where status = 'SENT'`))[0].sent;
    expect(await eventually(async () => smtp.received.length >= 3 && (await sentCount()) === 3)).toBe(true);
    const pendingJobs = async () =>
      (await db.sql<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_mail'`))[0].n;
    expect(await eventually(async () => (await pendingJobs()) === 0)).toBe(true);
    const messageIds = smtp.received.map((m) => /Message-ID: <([^>]+)>/i.exec(m.raw)?.[1]);
    expect(new Set(messageIds).size).toBe(3);
    expect(smtp.received).toHaveLength(3);
    await second.stop();
  }, 180_000);
});

describe('graceful shutdown', () => {
  it('SIGTERM closes live sockets with 1001, exits 0 and stops the embedded database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-shutdown-'));
    const server = await spawnServer({ DATA_DIR: dataDir, SEED_DEMO: '1', DATABASE_URL: '' });
    processes.push(server);
    const token = await httpClient(server.url).login('sales.head@example.com');
    const client = liveClient(server.url, `Bearer ${token}`);
    await client.subscribe(`subscription { approvalBoardChanged(department: "SALES") { kind } }`);
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    expect(fs.existsSync(pidFile)).toBe(true);
    const exit = await server.stop('SIGTERM');
    expect(exit, server.output()).toBe(0);
    expect(await client.closed).toBe(1001);
    expect(fs.existsSync(pidFile)).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);
});
