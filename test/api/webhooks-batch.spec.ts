import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { Workflow } from '../harness/workflow.js';
import { openOrders, submitTermination } from './webhooks-helpers.js';

/*
 * The batch path of first attempts (webhooks_send): a sender claims every pending first attempt,
 * delivers them to every endpoint concurrently, writes successes set-based, and hands failures
 * to per-delivery retries. This is the durable fallback of sending on commit
 * (webhooks-commit-send.spec.ts), so the server here sends only through jobs
 * (WEBHOOK_SEND_ON_COMMIT=0), as after a crash right after the commit.
 * Jobs are driven with runDueJobs (RUN_WORKER=0); retries are a minute away, so no retry runs
 * within a test and what the first attempts did stays visible.
 */

const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
  __typename ... on ErrorResult { code message } ... on CreateWebhookEndpointSuccess { secret endpoint { id } } } }`;

interface Row {
  endpoint_id: string;
  webhook_id: string;
  status: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
}

describe('webhook delivery batches', () => {
  let server: TestServer;
  let wf: Workflow;
  let admin: string;
  let orders: string[];
  const receivers: WebhookReceiver[] = [];
  const endpointIds: string[] = [];

  async function endpoints(count: number): Promise<{ receiver: WebhookReceiver; id: string }[]> {
    const made = [];
    for (let i = 0; i < count; i++) {
      const receiver = await WebhookReceiver.start();
      receivers.push(receiver);
      const res = await server.gql<{ createWebhookEndpoint: { __typename: string; secret: string; endpoint: { id: string } } }>(
        CREATE,
        { i: { url: `${receiver.url}/hook`, eventTypes: ['TERMINATION_SUBMITTED'] } },
        admin,
      );
      expect(res.data?.createWebhookEndpoint.__typename, JSON.stringify(res)).toBe('CreateWebhookEndpointSuccess');
      receiver.secret = res.data!.createWebhookEndpoint.secret;
      endpointIds.push(res.data!.createWebhookEndpoint.endpoint.id);
      made.push({ receiver, id: res.data!.createWebhookEndpoint.endpoint.id });
    }
    return made;
  }

  /** Earlier tests' endpoints would receive this test's events too. */
  async function disableAll() {
    for (const id of endpointIds.splice(0)) {
      const res = await server.gql(
        `mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { __typename } }`,
        { i: { id, enabled: false } },
        admin,
      );
      expect(res.errors).toBeUndefined();
    }
  }

  async function submit(orderNumber: string): Promise<string> {
    const terminationId = await submitTermination(wf, orderNumber, 'webhook batch test');
    const [event] = await server.sql<{ id: string }>(
      `select id from audit_event where termination_id = $1 and action = 'termination.submitted'`,
      [terminationId],
    );
    return event!.id;
  }

  async function rows(eventId: string): Promise<Map<string, Row>> {
    const found = await server.sql<Row>(
      `select endpoint_id, webhook_id, status, attempts, response_status, error from webhook_delivery where event_id = $1`,
      [eventId],
    );
    return new Map(found.map((r) => [r.endpoint_id, r]));
  }

  beforeAll(async () => {
    server = await startTestServer({
      env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '1m,1m', WEBHOOK_SEND_ON_COMMIT: '0' },
    });
    wf = new Workflow(server);
    admin = await wf.token('admin@example.com');
    orders = await openOrders(server, 3, 'desc');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await server?.close();
  });

  it('delivers one event to 8 endpoints with SQL statements that do not grow per delivery', async () => {
    const targets = await endpoints(8);
    const eventId = await submit(orders[0]!);
    const { statements } = await server.countQueries(() => server.app.runDueJobs());

    for (const { receiver } of targets) {
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
      expect(receiver.received[0]!.headers['webhook-id']).toBe(eventId);
    }
    // The same body for all (rendered once), each signed with its endpoint's own secret.
    expect(new Set(targets.map((t) => t.receiver.received[0]!.body)).size).toBe(1);
    expect(new Set(targets.map((t) => t.receiver.received[0]!.headers['webhook-signature'])).size).toBe(8);
    const written = await rows(eventId);
    for (const { id } of targets)
      expect(written.get(id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1, response_status: 200, error: null });

    // One statement creates the deliveries and wakes a sender, one claims and reads them, and
    // successes are written together (a flush every 50 ms at most): per delivery, one job and
    // three statements at least before batching.
    const touching = statements.filter((s) => /webhook_delivery/.test(s));
    expect(touching.length, touching.join('\n\n')).toBeLessThanOrEqual(4);
    const [jobs] = await server.sql<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier in ('webhook_deliver', 'webhooks_send')`,
    );
    expect(jobs!.n).toBe(0);
    await disableAll();
  });

  it('a failing and a stalled endpoint do not hold back the others', async () => {
    const [steady, alsoSteady, failing, stalled] = await endpoints(4);
    failing!.receiver.answer = () => 503;
    stalled!.receiver.answer = () => 'stall';
    const eventId = await submit(orders[1]!);
    const started = Date.now();
    const running = server.app.runDueJobs();

    // While the stalled receiver still holds its request (the timeout is 10 s), the others are
    // delivered and recorded, and the failure is already on its retry schedule.
    let seen = new Map<string, Row>();
    for (;;) {
      seen = await rows(eventId);
      const done = [steady!, alsoSteady!].every((t) => seen.get(t.id)?.status === 'SUCCEEDED');
      if ((done && seen.get(failing!.id)?.status === 'RETRYING') || Date.now() - started > 8_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(stalled!.receiver.received).toHaveLength(1);
    expect(seen.get(stalled!.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(seen.get(failing!.id)).toMatchObject({ status: 'RETRYING', response_status: 503, error: 'HTTP 503' });
    for (const t of [steady!, alsoSteady!]) {
      expect(t.receiver.received).toHaveLength(1);
      expect(t.receiver.received[0]!.verified).toBe(true);
    }

    await running;
    const after = await rows(eventId);
    expect(after.get(stalled!.id)).toMatchObject({ status: 'RETRYING', attempts: 1, error: expect.stringMatching(/10 s/) });
    expect(after.get(steady!.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    // The failures' retries are per-delivery jobs, on the schedule.
    const retries = await server.sql<{ delivery_id: string; later: boolean }>(
      `select j.payload->>'deliveryId' as delivery_id, j.run_at > now() + interval '30 seconds' as later
         from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier = 'webhook_deliver'`,
    );
    const failed = await server.sql<{ id: string }>(`select id from webhook_delivery where event_id = $1 and status = 'RETRYING'`, [
      eventId,
    ]);
    expect(retries.map((r) => r.delivery_id).sort()).toEqual(failed.map((r) => r.id).sort());
    expect(failed).toHaveLength(2);
    expect(retries.every((r) => r.later)).toBe(true);
    await disableAll();
  }, 30_000);

  it('a sender that died: its claim keeps others off until it lapses, then the unconfirmed delivery is sent again with the same webhook-id', async () => {
    const targets = await endpoints(3);
    const eventId = await submit(orders[2]!);
    await server.app.runDueJobs();
    for (const t of targets) expect(t.receiver.received).toHaveLength(1);
    const written = await rows(eventId);
    // As a SIGKILL between sending and writing leaves it: the last one sent, not confirmed, still
    // claimed (for 30 s) by the dead sender.
    const reset = (claim: string) =>
      server.sql(
        `update webhook_delivery set status = 'PENDING', attempts = 0, last_attempt_at = null, next_attempt_at = now() + $3::interval
          where event_id = $1 and endpoint_id = $2`,
        [eventId, targets[2]!.id, claim],
      );
    await reset('30 seconds');
    await server.sql(`select graphile_worker.add_job('webhooks_send')`);
    await server.app.runDueJobs();
    // Claimed by another: not sent, but a sender is due when the claim lapses.
    expect(targets[2]!.receiver.received).toHaveLength(1);
    const [lapsed] = await server.sql<{ due: boolean }>(
      `select run_at between now() + interval '25 seconds' and now() + interval '35 seconds' as due
         from graphile_worker.jobs where key = 'webhooks_send:lapsed'`,
    );
    expect(lapsed).toEqual({ due: true });

    // The claim lapses and that sender comes due.
    await reset('-1 second');
    await server.sql(`update graphile_worker._private_jobs set run_at = now() where key = 'webhooks_send:lapsed'`);
    await server.app.runDueJobs();

    expect(targets[0]!.receiver.received).toHaveLength(1);
    expect(targets[1]!.receiver.received).toHaveLength(1);
    const again = targets[2]!.receiver.received;
    expect(again).toHaveLength(2);
    expect(again[1]!.headers['webhook-id']).toBe(again[0]!.headers['webhook-id']);
    expect(again[1]!.body).toBe(again[0]!.body);
    expect(again[1]!.verified).toBe(true);
    const after = await rows(eventId);
    expect(after.get(targets[2]!.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(after.get(targets[0]!.id)).toEqual(written.get(targets[0]!.id));
    await disableAll();
  });

  it('many transactions’ deliveries wait for a few sender jobs and go out in one batch', async () => {
    const targets = await endpoints(3);
    const more = await openOrders(server, 12, 'asc');
    const transactions = 8;
    const eventIds: string[] = [];
    for (const order of more.slice(-transactions)) eventIds.push(await submit(order));
    const pending = await server.sql<{ id: string }>(
      `select id from webhook_delivery where event_id = any($1::uuid[]) and status = 'PENDING'`,
      [eventIds],
    );
    expect(pending).toHaveLength(transactions * targets.length);
    // Each transaction woke a sender, but under one of four keys: at most four jobs wait.
    const [queued] = await server.sql<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'webhooks_send'`,
    );
    expect(queued!.n).toBeGreaterThanOrEqual(1);
    expect(queued!.n).toBeLessThanOrEqual(4);

    const { statements } = await server.countQueries(() => server.app.runDueJobs());
    // One sender claimed all 24 deliveries, its claim reading them whole; the other jobs found
    // nothing to claim. No other statement reads deliveries.
    const claims = statements.filter((s) => /for update skip locked/.test(s));
    const loads = statements.filter((s) => /from "webhook_delivery"/.test(s));
    expect(claims.length).toBe(queued!.n);
    expect(loads, loads.join('\n\n')).toHaveLength(0);
    const delivered = await server.sql<{ n: number }>(
      `select count(*)::int as n from webhook_delivery where event_id = any($1::uuid[]) and status = 'SUCCEEDED' and attempts = 1`,
      [eventIds],
    );
    expect(delivered[0]!.n).toBe(transactions * targets.length);
    for (const t of targets) {
      expect(new Set(t.receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(eventIds));
      expect(t.receiver.received.every((r) => r.verified)).toBe(true);
    }
    await disableAll();
  });

  it('what a sender could not start before its claim runs short is released and sent in the same run of jobs, not held until the claim lapses', async () => {
    const [target] = await endpoints(1);
    const more = await openOrders(server, 30, 'asc');
    // Nine events for one endpoint (8 lanes): the first eight stall for the 10 s timeout, so the
    // ninth cannot start before the claim's last safe moment (10 s before a 30 s lease ends… and
    // the margin): it is released, claimed again and sent.
    const eventIds: string[] = [];
    for (const order of more.slice(20, 29)) eventIds.push(await submit(order));
    let asked = 0;
    target!.receiver.answer = () => (++asked <= 8 ? 'stall' : 200);
    await server.app.runDueJobs();

    const written = await server.sql<{ status: string; attempts: number }>(
      `select status, attempts from webhook_delivery where endpoint_id = $1 order by event_sequence`,
      [target!.id],
    );
    expect(written).toHaveLength(9);
    expect(written.filter((r) => r.status === 'RETRYING')).toHaveLength(8);
    expect(written.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(1);
    expect(target!.receiver.received).toHaveLength(9);
    const failedJobs = await server.sql(
      `select id, last_error from graphile_worker.jobs where task_identifier = 'webhooks_send' and last_error is not null`,
    );
    expect(failedJobs).toEqual([]);
    await disableAll();
  }, 60_000);
});
