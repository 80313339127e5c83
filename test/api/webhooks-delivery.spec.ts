import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';
import { WebhookReceiver, type ReceivedWebhook } from '../harness/webhook-receiver.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';
import { openOrders, submitTermination } from './webhooks-helpers.js';

/*
 * Delivery end to end: events committed by the API reach in-process receivers, signed per
 * Standard Webhooks (verified with the `standardwebhooks` package), at least once, with the same
 * webhook-id on every retry. Jobs are driven with runDueJobs (RUN_WORKER=0); retries use a
 * short WEBHOOK_RETRY_SCHEDULE.
 */

const FLOW_TYPES = ['TERMINATION_SUBMITTED', 'APPROVAL_APPROVED', 'TERMINATION_EFFECTIVE', 'TERMINATION_EFFECT_APPLIED'];
const DOTTED = FLOW_TYPES.map((t) => t.toLowerCase().replace('_', '.'));

const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
  __typename ... on ErrorResult { code message } ... on CreateWebhookEndpointSuccess { secret endpoint { id } } } }`;
const DELIVERIES = `query($id: ID!, $after: String) { webhookDeliveries(endpointId: $id, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id webhookId eventType eventSequence status attempts responseStatus latencyMs responseExcerpt error nextAttemptAt lastAttemptAt test } } } }`;

interface DeliveryView {
  id: string;
  webhookId: string;
  eventType: string | null;
  eventSequence: string | null;
  status: string;
  attempts: number;
  responseStatus: number | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
  test: boolean;
}

describe('webhook delivery', () => {
  let server: TestServer;
  let wf: Workflow;
  let admin: string;
  let orders: string[];

  async function endpoint(receiver: WebhookReceiver, eventTypes = FLOW_TYPES, url = `${receiver.url}/hook`): Promise<string> {
    const res = await server.gql<{ createWebhookEndpoint: { __typename: string; secret: string; endpoint: { id: string } } }>(
      CREATE,
      { i: { url, eventTypes } },
      admin,
    );
    expect(res.data?.createWebhookEndpoint.__typename, JSON.stringify(res)).toBe('CreateWebhookEndpointSuccess');
    receiver.secret = res.data!.createWebhookEndpoint.secret;
    return res.data!.createWebhookEndpoint.endpoint.id;
  }

  async function deliveries(endpointId: string): Promise<DeliveryView[]> {
    const res = await server.gql<{ webhookDeliveries: { edges: { node: DeliveryView }[] } }>(DELIVERIES, { id: endpointId }, admin);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!.webhookDeliveries.edges.map((e) => e.node);
  }

  async function disable(endpointId: string) {
    const res = await server.gql(
      `mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { __typename } }`,
      { i: { id: endpointId, enabled: false } },
      admin,
    );
    expect(res.errors).toBeUndefined();
  }

  /** The ids of the events of `types` recorded for a termination, in log order. */
  async function eventIds(terminationId: string, types = DOTTED): Promise<string[]> {
    const rows = await server.sql<{ id: string }>(
      `select id from audit_event where termination_id = $1 and action = any($2::text[]) order by seq`,
      [terminationId, types],
    );
    return rows.map((r) => r.id);
  }

  const submit = (orderNumber: string) => submitTermination(wf, orderNumber, 'webhook delivery test');

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    server = await startTestServer({
      env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,1s,1s', FAULT_INJECTION: '1' },
    });
    wf = new Workflow(server);
    admin = await wf.token('admin@example.com');
    orders = await openOrders(server, 6);
  });
  afterAll(async () => server?.close());

  it('an endpoint receives the signed events of a termination from submission to effect, ordered by sequence', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const endpointId = await endpoint(receiver);
      const submitted = await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00005',
        reasonCode: 'DUPLICATE_ORDER',
        explanation: 'webhooks: effective',
        customerConfirmationRequired: false,
      });
      const t = await wf.approveAll(submitted.termination!.id);
      expect(t.status).toBe('EFFECTIVE');
      await server.app.runDueJobs();

      const expected = await eventIds(t.id);
      expect(expected.length).toBeGreaterThanOrEqual(4);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual([...expected].sort());
      // Delivery order is not promised; the payload's sequence restores the log's order.
      const bySequence = [...receiver.received].sort((a, b) => Number(a.payload!.sequence) - Number(b.payload!.sequence));
      expect(bySequence.map((r) => r.headers['webhook-id'])).toEqual(expected);
      const types = bySequence.map((r) => r.payload!.type);
      expect(types[0]).toBe('TERMINATION_SUBMITTED');
      expect(types).toContain('TERMINATION_EFFECTIVE');
      expect(new Set(types)).toEqual(new Set(FLOW_TYPES));
      for (const r of receiver.received) {
        expect(r.headers['content-type']).toBe('application/json');
        expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
        expect(r.payload!.id).toBe(r.headers['webhook-id']);
      }

      const log = await deliveries(endpointId);
      expect(log).toHaveLength(expected.length);
      for (const d of log) {
        expect(d).toMatchObject({
          status: 'SUCCEEDED',
          attempts: 1,
          responseStatus: 200,
          responseExcerpt: 'thanks',
          error: null,
          test: false,
        });
        expect(d.latencyMs).toBeGreaterThanOrEqual(0);
        expect(FLOW_TYPES).toContain(d.eventType);
      }
      // Newest first.
      const sequences = log.map((d) => Number(d.eventSequence));
      expect(sequences).toEqual([...sequences].sort((a, b) => b - a));

      // Running the jobs again delivers nothing twice.
      await server.app.runDueJobs();
      expect(receiver.received).toHaveLength(expected.length);
      await disable(endpointId);
    } finally {
      await receiver.stop();
    }
  });

  it('a payload document shapes the body, run with the owner’s permissions; the envelope keeps id, type and sequence', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const res = await server.gql<{ createWebhookEndpoint: { __typename: string; secret: string; endpoint: { id: string } } }>(
        CREATE,
        {
          i: {
            url: `${receiver.url}/doc`,
            eventTypes: ['TERMINATION_SUBMITTED'],
            payloadQuery: `subscription { event { ... on TerminationSubmitted { termination { number status order { number } } } } }`,
          },
        },
        admin,
      );
      expect(res.data?.createWebhookEndpoint.__typename, JSON.stringify(res)).toBe('CreateWebhookEndpointSuccess');
      receiver.secret = res.data!.createWebhookEndpoint.secret;
      const termination = await submit(orders[5]!);
      await server.app.runDueJobs();
      const [eventId] = await eventIds(termination, ['termination.submitted']);
      const [row] = await server.sql<{ seq: string; number: string; order_number: string }>(
        `select e.seq::text as seq, t.number, o.number as order_number from audit_event e join termination t on t.id = e.termination_id
           join sales_order o on o.id = t.order_id where e.id = $1`,
        [eventId],
      );
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
      expect(receiver.received[0]!.payload).toMatchObject({
        id: eventId,
        sequence: row!.seq,
        type: 'TERMINATION_SUBMITTED',
        event: { termination: { number: row!.number, status: 'PENDING_APPROVAL', order: { number: row!.order_number } } },
      });
      await disable(res.data!.createWebhookEndpoint.endpoint.id);
    } finally {
      await receiver.stop();
    }
  });

  it('a receiver down (closed port, then 503) and up again receives every event; duplicates only as retries of one webhook-id', async () => {
    const receiver = await WebhookReceiver.start();
    const port = receiver.port;
    await receiver.stop(); // closed port
    try {
      const endpointId = await endpoint(receiver, ['TERMINATION_SUBMITTED']);
      const first = await submit(orders[0]!);
      const second = await submit(orders[1]!);
      // The first attempts go out on commit; no job runs (a retry may be due already).
      await server.app.services.webhooks.dispatcher.sentOnCommit();
      let log = await deliveries(endpointId);
      expect(log).toHaveLength(2);
      for (const d of log)
        expect(d).toMatchObject({ status: 'RETRYING', attempts: 1, responseStatus: null, error: expect.stringMatching(/ECONNREFUSED/) });

      // Up, but failing.
      receiver.answer = () => 503;
      await receiver.listen(port);
      await sleep(1300);
      await server.app.runDueJobs();
      log = await deliveries(endpointId);
      for (const d of log) expect(d).toMatchObject({ status: 'RETRYING', attempts: 2, responseStatus: 503, responseExcerpt: 'no (503)' });

      // Up for real.
      receiver.answer = () => 200;
      await sleep(1300);
      await server.app.runDueJobs();
      log = await deliveries(endpointId);
      for (const d of log) expect(d).toMatchObject({ status: 'SUCCEEDED', attempts: 3, responseStatus: 200, error: null });

      const expected = [...(await eventIds(first, ['termination.submitted'])), ...(await eventIds(second, ['termination.submitted']))];
      const byId = new Map<string, ReceivedWebhook[]>();
      for (const r of receiver.received) byId.set(r.headers['webhook-id']!, [...(byId.get(r.headers['webhook-id']!) ?? []), r]);
      expect([...byId.keys()].sort()).toEqual([...expected].sort());
      for (const [, attempts] of byId) {
        expect(attempts.map((a) => a.status)).toEqual([503, 200]);
        expect(attempts.every((a) => a.verified)).toBe(true);
        expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      }
      await disable(endpointId);
    } finally {
      await receiver.stop();
    }
  });

  it('410 Gone disables the endpoint; so do 5 days of failures; admins are told', async () => {
    const gone = await WebhookReceiver.start();
    const failing = await WebhookReceiver.start();
    gone.answer = () => 410;
    failing.answer = () => 500;
    try {
      const goneId = await endpoint(gone, ['TERMINATION_SUBMITTED']);
      const failingId = await endpoint(failing, ['TERMINATION_SUBMITTED']);
      // Failing for six days already (as if earlier events had failed all along).
      await server.sql(`update webhook_endpoint set failing_since = now() - interval '6 days' where id = $1`, [failingId]);
      await submit(orders[2]!);
      await server.app.runDueJobs();

      const rows = await server.sql<{ id: string; enabled: boolean; disabled_reason: string }>(
        `select id, enabled, disabled_reason from webhook_endpoint where id = any($1::uuid[])`,
        [[goneId, failingId]],
      );
      const state = new Map(rows.map((r) => [r.id, r]));
      expect(state.get(goneId)).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/410/) });
      expect(state.get(failingId)).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/5 days/) });
      expect(await deliveries(goneId)).toMatchObject([{ status: 'FAILED', responseStatus: 410, attempts: 1 }]);
      expect(await deliveries(failingId)).toMatchObject([{ status: 'FAILED', responseStatus: 500, attempts: 1 }]);
      const notices = await server.sql<{ email: string; body: string }>(
        `select u.email, n.body from notification n join app_user u on u.id = n.user_id where n.kind = 'WEBHOOK_DISABLED'`,
      );
      expect(notices.filter((n) => n.email === 'admin@example.com').map((n) => n.body)).toEqual(
        expect.arrayContaining([expect.stringContaining(gone.url), expect.stringContaining(failing.url)]),
      );
      // Disabled endpoints get nothing more.
      await submit(orders[3]!);
      await server.app.runDueJobs();
      expect(gone.received).toHaveLength(1);
      expect(failing.received).toHaveLength(1);
    } finally {
      await gone.stop();
      await failing.stop();
    }
  });

  it('sends a signed webhook.test on request, and redelivers a delivery with the same webhook-id', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const endpointId = await endpoint(receiver, ['TERMINATION_SUBMITTED']);
      const sent = await server.gql<{ sendTestWebhook: { __typename: string; delivery: { id: string; test: boolean; status: string } } }>(
        `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { __typename ... on WebhookDeliverySuccess { delivery { id test status } } } }`,
        { id: endpointId },
        admin,
      );
      expect(sent.data!.sendTestWebhook).toMatchObject({
        __typename: 'WebhookDeliverySuccess',
        delivery: { test: true, status: 'PENDING' },
      });
      await server.app.runDueJobs();
      expect(receiver.received).toHaveLength(1);
      const test = receiver.received[0]!;
      expect(test.verified).toBe(true);
      expect(test.headers['webhook-id']).toMatch(/^test_/);
      expect(test.payload).toMatchObject({ type: 'webhook.test', data: { endpointId } });

      const termination = await submit(orders[4]!);
      await server.app.runDueJobs();
      const [eventId] = await eventIds(termination, ['termination.submitted']);
      const log = await deliveries(endpointId);
      expect(log.map((d) => [d.test, d.eventType, d.status])).toEqual([
        [false, 'TERMINATION_SUBMITTED', 'SUCCEEDED'],
        [true, null, 'SUCCEEDED'],
      ]);
      const redelivered = await server.gql<{ redeliverWebhook: { __typename: string } }>(
        `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { __typename } }`,
        { id: log[0]!.id },
        admin,
      );
      expect(redelivered.data!.redeliverWebhook.__typename).toBe('WebhookDeliverySuccess');
      await server.app.runDueJobs();
      const forEvent = receiver.received.filter((r) => r.headers['webhook-id'] === eventId);
      expect(forEvent).toHaveLength(2);
      expect(forEvent.every((r) => r.verified)).toBe(true);
      expect((await deliveries(endpointId))[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      await disable(endpointId);
    } finally {
      await receiver.stop();
    }
  });

  it('sends nothing for a change that rolled back', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const endpointId = await endpoint(receiver, ['APPROVAL_APPROVED', 'TERMINATION_EFFECTIVE', 'TERMINATION_EFFECT_APPLIED']);
      const [order] = await server.sql<{ number: string }>(
        `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
           and not exists (select 1 from termination t where t.order_id = o.id)
           and not (select customer_confirmation_required from contract c where c.id = o.contract_id)
         order by o.number desc limit 1`,
      );
      const submitted = await wf.submit('clerk@example.com', {
        orderNumber: order!.number,
        reasonCode: 'DUPLICATE_ORDER',
        explanation: 'webhooks: the effect fails',
        customerConfirmationRequired: false,
      });
      let current = await wf.get(submitted.termination!.id);
      for (;;) {
        const pending = current.approvalSteps.filter((st) => st.status === 'PENDING');
        const waiting = current.approvalSteps.filter((st) => st.status === 'WAITING');
        if (!waiting.length && pending.length === 1) break;
        for (const step of waiting.length ? pending : pending.slice(0, -1)) await wf.decide(HEAD_OF[step.department]!, step.id, 'APPROVE');
        current = await wf.get(current.id);
      }
      await server.app.runDueJobs();
      const before = receiver.received.length;
      const logged = (await deliveries(endpointId)).length;
      const last = current.approvalSteps.find((st) => st.status === 'PENDING')!;
      server.app.services.faults.arm('effect.messages');
      const failed = await wf.tryApprove(last);
      server.app.services.faults.disarm();
      expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      await server.app.runDueJobs();
      expect(receiver.received).toHaveLength(before);
      const log = await deliveries(endpointId);
      expect(log).toHaveLength(logged);
      expect(log.filter((d) => d.eventType !== 'APPROVAL_APPROVED')).toEqual([]);
      expect((await wf.get(current.id)).status).toBe('PENDING_APPROVAL');
      await disable(endpointId);
    } finally {
      await receiver.stop();
    }
  });
});
