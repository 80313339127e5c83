import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../harness/smtp.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
let wf: Workflow;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://erp.example.com' } });
  wf = new Workflow(server);
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

describe('confirmation mail through a real SMTP server', () => {
  it('delivers the link once, keyed by message id, and the link works', async () => {
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消。' })
    ).termination!;
    const waiting = await wf.approveAll(t.id);
    expect(waiting.status).toBe('AWAITING_CUSTOMER');
    expect(smtp.received).toHaveLength(0); // queued in the transaction, sent by the worker
    await server.app.runDueJobs();
    const mails = smtp.received.filter((m) => m.to.includes(waiting.customerConfirmation!.recipient));
    expect(mails).toHaveLength(1);
    const raw = mails[0]!.raw.replace(/=\r?\n/g, '');
    const link = raw.match(/https:\/\/erp\.example\.com\/confirm\/([A-Za-z0-9_-]{43})/);
    expect(link).not.toBeNull();
    expect(raw).toMatch(/Message-ID: <[0-9a-f-]{36}@order-termination\.local>/i);

    // Running the jobs again sends nothing twice.
    await server.app.runDueJobs();
    expect(smtp.received.filter((m) => m.to.includes(waiting.customerConfirmation!.recipient))).toHaveLength(1);

    const answer = await wf.respond(link![1]!, true);
    expect(answer.status).toBe('EFFECTIVE');
    const [stored] = await server.sql<{ status: string; transport: string }>(
      `select status, transport from mail_message where termination_id = $1 order by created_at limit 1`,
      [t.id],
    );
    expect(stored).toEqual({ status: 'SENT', transport: 'smtp' });
  });
});
