import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../harness/process.js';
import { httpClient, startTestServer, type TestServer } from '../harness/server.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { Workflow } from '../harness/workflow.js';

/*
 * At-least-once across a crash: the server process is SIGKILLed while it waits for a receiver's
 * answer (it sends on commit, webhook-commit-send.ts); its claim on the delivery lapses and
 * another process on the same database delivers again through the sender jobs, with the same
 * webhook-id.
 */

let db: TestServer;
let receiver: WebhookReceiver;
/** A second endpoint of the same batch, answered (and confirmed) before the crash. */
let steady: WebhookReceiver;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  // Used for its database only; the servers under test run as separate processes.
  db = await startTestServer();
  receiver = await WebhookReceiver.start();
  steady = await WebhookReceiver.start();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await receiver?.stop();
  await steady?.stop();
  await db?.close();
});

async function eventually(check: () => Promise<boolean> | boolean, ms = 60_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('webhook delivery across a crash', () => {
  it('a server SIGKILLed mid-delivery: another process delivers the same webhook-id, and nothing already confirmed', async () => {
    const env = {
      DATABASE_URL: db.databaseUrl,
      RUN_WORKER: '1',
      WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port},127.0.0.1:${steady.port}`,
      WORKER_HEARTBEAT_SECONDS: '1',
      WORKER_STALE_SECONDS: '3',
    };
    const first = await spawnServer(env);
    processes.push(first);
    const wf = new Workflow(httpClient(first.url));
    const created = await wf.as<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
      'admin@example.com',
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ... on CreateWebhookEndpointSuccess { secret endpoint { id } } } }`,
      { i: { url: `${receiver.url}/hook`, eventTypes: ['TERMINATION_SUBMITTED'] } },
    );
    receiver.secret = created.createWebhookEndpoint.secret;
    const other = await wf.as<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
      'admin@example.com',
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ... on CreateWebhookEndpointSuccess { secret endpoint { id } } } }`,
      { i: { url: `${steady.url}/hook`, eventTypes: ['TERMINATION_SUBMITTED'] } },
    );
    steady.secret = other.createWebhookEndpoint.secret;
    // The first request is never answered: the worker is mid-delivery when the process dies.
    receiver.answer = () => (receiver.received.length === 0 ? 'stall' : 200);

    const [order] = await db.sql<{ number: string }>(
      `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number limit 1`,
    );
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: order!.number,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'crash test',
    });
    expect(submitted.__typename).toBe('SubmitTerminationSuccess');
    await receiver.waitFor(1, 30_000);
    // The steady endpoint's success is written (batched, within 50 ms) before the process dies.
    const confirmed = await eventually(async () => {
      const [row] = await db.sql<{ status: string }>(`select status from webhook_delivery where endpoint_id = $1`, [
        other.createWebhookEndpoint.endpoint.id,
      ]);
      return row?.status === 'SUCCEEDED';
    }, 30_000);
    expect(confirmed).toBe(true);
    expect(await first.stop('SIGKILL')).toBeNull();
    // The dead process's delivery: unconfirmed (PENDING, no attempt written) and still claimed.
    const [pending] = await db.sql<{ status: string; attempts: number; claimed: boolean }>(
      `select status, attempts, next_attempt_at > now() as claimed from webhook_delivery where endpoint_id = $1`,
      [created.createWebhookEndpoint.endpoint.id],
    );
    expect(pending).toEqual({ status: 'PENDING', attempts: 0, claimed: true });

    const second = await spawnServer(env);
    processes.push(second);
    expect(await eventually(() => receiver.received.length >= 2), second.output()).toBe(true);
    const [stalled, retried] = receiver.received;
    expect(retried!.headers['webhook-id']).toBe(stalled!.headers['webhook-id']);
    expect(retried!.verified).toBe(true);
    expect(retried!.body).toBe(stalled!.body);
    const [event] = await db.sql<{ id: string }>(
      `select id from audit_event where termination_id = $1 and action = 'termination.submitted'`,
      [submitted.termination!.id],
    );
    expect(retried!.headers['webhook-id']).toBe(event!.id);
    // Confirmed before the crash: not sent again.
    expect(steady.received).toHaveLength(1);
    expect(steady.received[0]!.verified).toBe(true);
    expect(steady.received[0]!.headers['webhook-id']).toBe(event!.id);
    expect(
      await eventually(async () => {
        const [row] = await db.sql<{ status: string }>(`select status from webhook_delivery where endpoint_id = $1`, [
          created.createWebhookEndpoint.endpoint.id,
        ]);
        return row?.status === 'SUCCEEDED';
      }),
    ).toBe(true);
    await second.stop();
  }, 180_000);
});
