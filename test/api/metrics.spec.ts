import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/app/database.js';
import { startProductionServer, type ProductionServer } from '../harness/production-server.js';
import { spawnCompiled, type CompiledProcess } from '../harness/process.js';
import { liveClient } from '../harness/live.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { endpointFor, openOrders } from './webhooks-helpers.js';

/**
 * METRICS_PORT: the production process (and a worker process beside it) serve Prometheus text
 * on a port of their own; a termination submitted through the API shows up in the API's series.
 */
let server: ProductionServer;
let metricsUrl: string;
beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // Webhooks may go to the test's receiver on 127.0.0.1; the worker below delivers them (this
  // API instance leaves them to workers, as one without outbound network would).
  server = await startProductionServer({
    env: { METRICS_PORT: String(port), WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_SEND_ON_COMMIT: '0' },
  });
}, 180_000);
afterAll(async () => server?.close());

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample, by metric name and labels (all given labels must match). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

const SUBMIT = `mutation SubmitTermination($input: SubmitTerminationInput!) {
  submitTermination(input: $input) { __typename ... on SubmitTerminationSuccess { termination { id } } } }`;

/** Submits a termination of `orderNumber` as the clerk, under the operation name SubmitTermination. */
async function submit(orderNumber: string): Promise<void> {
  const token = await server.login('clerk@example.com');
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: SUBMIT,
      operationName: 'SubmitTermination',
      variables: { input: { orderNumber, reasonCode: 'CUSTOMER_CHANGE', explanation: '客户取消了整张订单。' } },
    }),
  });
  const body = (await res.json()) as { data: { submitTermination: { __typename: string } } };
  expect(body.data.submitTermination.__typename, JSON.stringify(body)).toBe('SubmitTerminationSuccess');
}

/** Scrapes until `done` holds for the text (gauges follow socket closes and deliveries a moment later). */
async function scrapeUntil(url: string, done: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = await scrape(url);
  while (!done(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    text = await scrape(url);
  }
  return text;
}

describe('the API process', () => {
  it('answers only GET /metrics on the metrics port, and not on the API port', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/graphql'))).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { headers: { accept: 'text/plain' } })).headers.get('content-type')).not.toMatch(
      /version=0\.0\.4/,
    );
  });

  it('counts a submitted termination under its operation name, with route, pool, queue and process series', async () => {
    await submit('SO-2026-00006');
    // A refused operation: counted under its error code.
    const refused = await server.gql(`query Nope { terminations(first: 1) { totalCount } }`);
    const refusedCode = (refused.errors?.[0]?.extensions as { code?: string } | undefined)?.code;
    expect(refusedCode).toBeTruthy();

    const text = await scrape(metricsUrl);
    const op = { operation: 'SubmitTermination', type: 'mutation', result: 'ok' };
    expect(sample(text, 'ot_graphql_operation_duration_seconds_count', op)).toBe(1);
    expect(sample(text, 'ot_graphql_operation_duration_seconds_sum', op)).toBeGreaterThan(0);
    expect(sample(text, 'ot_graphql_errors_total', { code: refusedCode! })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'ot_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '200' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'ot_http_request_duration_seconds_count', { route: '/readyz', status: '200' })).toBeGreaterThanOrEqual(1);
    // Every known task has a queue series, 0 when idle.
    expect(sample(text, 'ot_job_queue_depth', { task: 'send_mail' })).toBe(0);
    expect(sample(text, 'ot_job_oldest_age_seconds', { task: 'send_mail' })).toBe(0);
    expect(sample(text, 'ot_db_pool_connections', { pool: 'orm', state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'ot_websocket_connections')).toBe(0);
    expect(sample(text, 'ot_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'ot_nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('counts open WebSockets and running subscriptions by field, and times the live event a submission publishes', async () => {
    const [orderNumber] = await openOrders(server, 1);
    const live = liveClient(server.url, `Bearer ${await server.login('clerk@example.com')}`);
    try {
      const changes = await live.subscribe<{ kind: string; number: string }>(`subscription { terminationChanged { kind number } }`);
      let text = await scrape(metricsUrl);
      expect(sample(text, 'ot_websocket_connections')).toBe(1);
      expect(sample(text, 'ot_graphql_subscriptions_active', { field: 'terminationChanged' })).toBe(1);
      const delays = (t: string) => sample(t, 'ot_pubsub_delay_seconds_count', { topic: 'TERMINATION_CHANGED' }) ?? 0;
      const before = delays(text);

      await submit(orderNumber!);
      await changes.next();
      text = await scrape(metricsUrl);
      expect(delays(text)).toBeGreaterThan(before);
      expect(sample(text, 'ot_pubsub_delay_seconds_sum', { topic: 'TERMINATION_CHANGED' })).toBeGreaterThanOrEqual(0);

      // Completing the subscription, then closing the socket, takes both gauges back down.
      changes.close();
      text = await scrapeUntil(metricsUrl, (t) => sample(t, 'ot_graphql_subscriptions_active', { field: 'terminationChanged' }) === 0);
      expect(sample(text, 'ot_graphql_subscriptions_active', { field: 'terminationChanged' })).toBe(0);
      expect(sample(text, 'ot_websocket_connections')).toBe(1);
    } finally {
      await live.dispose();
    }
    const text = await scrapeUntil(metricsUrl, (t) => sample(t, 'ot_websocket_connections') === 0);
    expect(sample(text, 'ot_websocket_connections')).toBe(0);
  });

  it('reports the jobs waiting per task and the age of the oldest (RUN_WORKER=0: nothing runs them)', async () => {
    await server.sql(`select graphile_worker.add_job('prune_idempotency', '{}'::json, run_at => now() - interval '90 seconds')`);
    // Scrapes within 5 s share one read of the queue: wait it out.
    await new Promise((r) => setTimeout(r, 5_100));
    const text = await scrape(metricsUrl);
    expect(sample(text, 'ot_job_queue_depth', { task: 'prune_idempotency' })).toBe(1);
    expect(sample(text, 'ot_job_oldest_age_seconds', { task: 'prune_idempotency' })).toBeGreaterThanOrEqual(90);
  });

  it('keeps operation names bounded: unnamed operations are "anonymous", odd names "other"', async () => {
    const token = await server.login('clerk@example.com');
    await server.gql(`{ me { email } }`, {}, token);
    const odd = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { email } }', operationName: 'x'.repeat(100) }),
    });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    const text = await scrape(metricsUrl);
    expect(sample(text, 'ot_graphql_operation_duration_seconds_count', { operation: 'anonymous', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('x'.repeat(100));
  });
});

describe('a worker process', () => {
  let worker: CompiledProcess | undefined;
  let receiver: WebhookReceiver;
  let workerMetrics: string;

  beforeAll(async () => {
    // A webhook endpoint that refuses the first attempt: the worker retries (1 s later) and succeeds.
    receiver = await WebhookReceiver.start();
    let answered = 0;
    receiver.answer = () => (answered++ === 0 ? 503 : 200);
    await endpointFor(server, receiver, ['TERMINATION_SUBMITTED']);
    const [orderNumber] = await openOrders(server, 1);
    await submit(orderNumber!);

    const port = await freePort();
    worker = await spawnCompiled('worker', {
      DATABASE_URL: server.databaseUrl,
      METRICS_PORT: String(port),
      DEV_MAILBOX: '1',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s',
    });
    workerMetrics = `http://127.0.0.1:${port}/metrics`;
  }, 120_000);
  afterAll(async () => {
    await worker?.signal('SIGTERM');
    await receiver?.stop();
  });

  it('serves its own series: the jobs it ran, by task', async () => {
    // The job queued above is run by this worker.
    const text = await scrapeUntil(
      workerMetrics,
      (t) => !!sample(t, 'ot_job_duration_seconds_count', { task: 'prune_idempotency', result: 'ok' }),
    );
    const jobLines = text.split('\n').filter((l) => l.startsWith('ot_job') && !l.includes('_bucket'));
    expect(
      sample(text, 'ot_job_duration_seconds_count', { task: 'prune_idempotency', result: 'ok' }),
      jobLines.join('\n'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ot_db_pool_connections', { pool: 'jobs', state: 'idle' })).toBeGreaterThanOrEqual(0);
    // No HTTP API in a worker: no request series with samples.
    expect(sample(text, 'ot_graphql_operation_duration_seconds_count')).toBeUndefined();
  }, 60_000);

  it('counts webhook deliveries by outcome (a refused attempt, then the retry) and their lag from the event', async () => {
    const succeeded = (t: string) => sample(t, 'ot_webhook_deliveries_total', { outcome: 'succeeded' }) ?? 0;
    const text = await scrapeUntil(workerMetrics, (t) => succeeded(t) >= 1, 40_000);
    const hookLines = text.split('\n').filter((l) => l.startsWith('ot_webhook') && !l.includes('_bucket'));
    expect(succeeded(text), hookLines.join('\n')).toBe(1);
    expect(sample(text, 'ot_webhook_deliveries_total', { outcome: 'retrying' })).toBe(1);
    expect(receiver.received.map((r) => r.verified)).toEqual([true, true]);
    expect(sample(text, 'ot_webhook_delivery_lag_seconds_count', { outcome: 'succeeded' })).toBe(1);
    // The retry waited at least its 1 s after the refused attempt: the lag counts from the event.
    expect(sample(text, 'ot_webhook_delivery_lag_seconds_sum', { outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ot_webhook_delivery_lag_seconds_count', { outcome: 'retrying' })).toBe(1);
  }, 60_000);
});
