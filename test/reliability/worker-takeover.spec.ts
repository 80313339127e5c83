import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledProcess, ensureServerBuilt, spawnCompiled } from '../harness/process.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { startSmtpServer } from '../harness/smtp.js';
import { Workflow } from '../harness/workflow.js';

/**
 * A separate worker killed (SIGKILL) while the SMTP relay is still answering leaves its job
 * locked; another worker takes it over within seconds (heartbeats), and the mail arrives once.
 */

let api: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const workers: CompiledProcess[] = [];
// The compiled server (server/dist) runs here; build it first when the sources are newer.
beforeAll(() => ensureServerBuilt(), 300_000);
beforeAll(async () => {
  smtp = await startSmtpServer();
  // The API runs no worker; the workers are separate processes, as in a scaled-out deployment.
  api = await startTestServer({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await api?.close();
  await smtp?.close();
});

async function eventually(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function worker(): Promise<CompiledProcess> {
  const w = await spawnCompiled('worker', {
    DATABASE_URL: api.databaseUrl,
    SMTP_URL: smtp.url,
    WORKER_HEARTBEAT_SECONDS: '0.5',
    WORKER_STALE_SECONDS: '3',
  });
  workers.push(w);
  return w;
}

describe('jobs of a dead worker', () => {
  it('are taken over by a new worker; the mail killed mid-send arrives exactly once and its row is SENT', async () => {
    smtp.setReplyDelay(20_000);
    const first = await worker();
    const wf = new Workflow(api);
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'takeover' })
    ).termination!;
    const arriving = smtp.arriving();
    const waiting = await wf.approveAll(t.id);
    expect(waiting.status).toBe('AWAITING_CUSTOMER');
    const recipient = waiting.customerConfirmation!.recipient;

    // The first worker has handed the message over and waits for the relay's answer: kill it.
    expect(await eventually(() => smtp.arriving() > arriving, 20_000)).toBe(true);
    const [locked] = await api.sql<{ locked_by: string | null }>(
      `select locked_by from graphile_worker.jobs where task_identifier = 'send_mail'`,
    );
    expect(locked?.locked_by).toBeTruthy();
    expect((await first.signal('SIGKILL')).code).toBeNull();
    smtp.setReplyDelay(0);

    const started = Date.now();
    await worker();
    const sent = async () =>
      (await api.sql<{ status: string }>(`select status from mail_message where termination_id = $1`, [t.id]))[0]?.status === 'SENT';
    expect(await eventually(sent, 60_000)).toBe(true);
    const tookMs = Date.now() - started;
    console.info(`taken over and sent ${tookMs} ms after the new worker was started`);
    expect(tookMs).toBeLessThan(60_000);
    const jobsLeft = async () =>
      (await api.sql<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'send_mail'`))[0]!.n === 0;
    expect(await eventually(jobsLeft, 20_000)).toBe(true);

    const mails = smtp.received.filter((m) => m.to.includes(recipient));
    const messageIds = mails.map((m) => /Message-ID: <([^>]+)>/i.exec(m.raw)?.[1]);
    const [row] = await api.sql<{ id: string }>(`select id from mail_message where termination_id = $1`, [t.id]);
    expect(messageIds).toEqual([`${row!.id}@order-termination.local`]);
  }, 180_000);
});
