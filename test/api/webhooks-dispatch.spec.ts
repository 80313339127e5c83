import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { Workflow } from '../harness/workflow.js';
import { openOrders, submitTermination } from './webhooks-helpers.js';

/*
 * The two ways events become deliveries. Directly: the transaction that records events inserts
 * their deliveries (and a fallback sender job) itself, so they exist the moment it commits, with no
 * dispatch job in between. The sweep: a dispatch from the feed's cursor inserts what an
 * instance left out because it believed no endpoint was enabled, and doubles nothing.
 * Two instances share one database; jobs run only when the test says so (RUN_WORKER=0).
 */

const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
  __typename ... on CreateWebhookEndpointSuccess { secret endpoint { id } } } }`;

describe('webhook dispatch', () => {
  let first: TestServer;
  let second: TestServer;
  let receiver: WebhookReceiver;
  let orders: string[];

  /** The deliveries of the TERMINATION_SUBMITTED event of a termination. */
  async function submittedDeliveries(terminationId: string): Promise<{ status: string }[]> {
    return first.sql<{ status: string }>(
      `select d.status from webhook_delivery d join audit_event e on e.id = d.event_id
        where e.termination_id = $1 and e.action = 'termination.submitted'`,
      [terminationId],
    );
  }

  async function pendingJobs(task: string): Promise<number> {
    const [row] = await first.sql<{ n: string }>(
      `select count(*)::text as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier = $1`,
      [task],
    );
    return Number(row!.n);
  }

  beforeAll(async () => {
    const env = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };
    first = await startTestServer({ env });
    // Started before any endpoint exists: it believes none is enabled until its next minute's look.
    second = await startTestServer({ env, databaseUrl: first.databaseUrl });
    orders = await openOrders(first, 2);
    receiver = await WebhookReceiver.start();
    const admin = await first.login('admin@example.com');
    const res = await first.gql<{ createWebhookEndpoint: { __typename: string; secret: string } }>(
      CREATE,
      { i: { url: `${receiver.url}/hook`, eventTypes: ['TERMINATION_SUBMITTED'] } },
      admin,
    );
    expect(res.data?.createWebhookEndpoint.__typename, JSON.stringify(res)).toBe('CreateWebhookEndpointSuccess');
    receiver.secret = res.data!.createWebhookEndpoint.secret;
  });
  afterAll(async () => {
    await receiver?.stop();
    await second?.close();
    await first?.close();
  });

  it('a transaction commits its own events’ deliveries; the sweep adds what another instance left out, once', async () => {
    const direct = await submitTermination(new Workflow(first), orders[0]!, 'webhook dispatch: direct');
    // Committed with the termination: no dispatch job ran, none is waiting. (The committing
    // instance sends it at once: it may be sent already.)
    const [committed, ...more] = await submittedDeliveries(direct);
    expect(more).toEqual([]);
    expect(['PENDING', 'SUCCEEDED']).toContain(committed?.status);
    expect(await pendingJobs('webhooks_dispatch')).toBe(0);
    expect(await pendingJobs('webhooks_send')).toBe(1);

    const missed = await submitTermination(new Workflow(second), orders[1]!, 'webhook dispatch: instance without endpoints');
    expect(await submittedDeliveries(missed)).toEqual([]);

    // The minute's sweep (as the cron enqueues it), then the deliveries.
    await first.sql(`select graphile_worker.add_job('webhooks_dispatch', '{}'::json, queue_name => 'webhooks_dispatch')`);
    await first.app.runDueJobs();
    await first.app.runDueJobs();
    expect(await submittedDeliveries(direct)).toEqual([{ status: 'SUCCEEDED' }]);
    expect(await submittedDeliveries(missed)).toEqual([{ status: 'SUCCEEDED' }]);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });
});
