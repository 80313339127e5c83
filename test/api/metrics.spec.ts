import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/app/database.js';
import { startProductionServer, type ProductionServer } from '../harness/production-server.js';
import { spawnCompiled, type CompiledProcess } from '../harness/process.js';

/**
 * METRICS_PORT: the production process (and a worker process beside it) serve Prometheus text
 * on a port of their own; a termination submitted through the API shows up in the API's series.
 */
let server: ProductionServer;
let metricsUrl: string;
beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  server = await startProductionServer({ env: { METRICS_PORT: String(port) } });
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

describe('the API process', () => {
  it('answers only GET /metrics on the metrics port, and not on the API port', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/graphql'))).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { headers: { accept: 'text/plain' } })).headers.get('content-type')).not.toMatch(
      /version=0\.0\.4/,
    );
  });

  it('counts a submitted termination under its operation name, with route, pool, queue and process series', async () => {
    const token = await server.login('clerk@example.com');
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: SUBMIT,
        operationName: 'SubmitTermination',
        variables: { input: { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE', explanation: '客户取消了整张订单。' } },
      }),
    });
    const body = (await res.json()) as { data: { submitTermination: { __typename: string } } };
    expect(body.data.submitTermination.__typename).toBe('SubmitTerminationSuccess');
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
  afterAll(async () => {
    await worker?.signal('SIGTERM');
  });

  it('serves its own series: the jobs it ran, by task', async () => {
    const port = await freePort();
    worker = await spawnCompiled('worker', { DATABASE_URL: server.databaseUrl, METRICS_PORT: String(port), DEV_MAILBOX: '1' });
    const url = `http://127.0.0.1:${port}/metrics`;
    // The job queued above is run by this worker.
    let text = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      text = await scrape(url);
      if (sample(text, 'ot_job_duration_seconds_count', { task: 'prune_idempotency', result: 'ok' })) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const jobLines = text.split('\n').filter((l) => l.startsWith('ot_job') && !l.includes('_bucket'));
    expect(
      sample(text, 'ot_job_duration_seconds_count', { task: 'prune_idempotency', result: 'ok' }),
      jobLines.join('\n'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ot_db_pool_connections', { pool: 'jobs', state: 'idle' })).toBeGreaterThanOrEqual(0);
    // No HTTP API in a worker: no request series with samples.
    expect(sample(text, 'ot_graphql_operation_duration_seconds_count')).toBeUndefined();
  }, 60_000);
});
