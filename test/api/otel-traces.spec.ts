import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionServer, type ProductionServer } from '../harness/production-server.js';
import { cloneTemplateDatabase } from '../harness/database.js';
import { startIdpForApi, walkSso } from '../harness/oidc-idp.js';
import { spawnCompiled, type CompiledProcess } from '../harness/process.js';
import { WebhookReceiver } from '../harness/webhook-receiver.js';
import { endpointFor, openOrders } from './webhooks-helpers.js';

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT: the production process sends its spans over OTLP/HTTP (JSON) to
 * a receiver in this test: a submitted termination is one trace, its GraphQL operation span
 * with the SQL under it, marked with the request id.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  links?: { traceId: string; spanId: string }[];
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const spans: OtlpSpan[] = [];
let receiver: http.Server;
let server: ProductionServer;
let otlpEndpoint: string;
/** The submission of the first test: its request id and operation span (the worker's jobs refer to them). */
let submitRequestId: string;
let submitSpan: OtlpSpan;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && /json/.test(req.headers['content-type'] ?? '')) {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of payload.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  otlpEndpoint = `http://127.0.0.1:${port}`;
  // Webhooks are left to the worker process (its job spans are under test), not sent on commit.
  server = await startProductionServer({ env: { ...tracingEnv(), WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_SEND_ON_COMMIT: '0' } });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

function tracingEnv(): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Send spans quickly (the default batch waits 5 s).
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
}

function attribute(span: OtlpSpan, key: string): string | undefined {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? String(value.intValue) : undefined);
}

async function waitFor<T>(find: () => T | undefined, what: string | (() => string)): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no ${typeof what === 'string' ? what : what()} among ${spans.length} spans: ${[...new Set(spans.map((s) => s.name))].join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

function descendants(root: OtlpSpan): OtlpSpan[] {
  const children = spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function ancestors(span: OtlpSpan): OtlpSpan[] {
  const parent = spans.find((s) => s.spanId === span.parentSpanId && s.traceId === span.traceId);
  return parent ? [parent, ...ancestors(parent)] : [];
}

const isSql = (s: OtlpSpan) => attribute(s, 'db.system') === 'postgresql' || attribute(s, 'db.system.name') === 'postgresql';

describe('traces', () => {
  it('sends submitTermination as one trace: the operation span, SQL under it, the request id on it', async () => {
    const token = await server.login('clerk@example.com');
    const requestId = (submitRequestId = `trace-test-${Date.now()}`);
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({
        operationName: 'SubmitTermination',
        query: `mutation SubmitTermination($input: SubmitTerminationInput!) {
          submitTermination(input: $input) { __typename ... on SubmitTerminationSuccess { termination { id } } } }`,
        variables: { input: { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE', explanation: '客户取消了整张订单。' } },
      }),
    });
    const body = (await res.json()) as { data: { submitTermination: { __typename: string } } };
    expect(body.data.submitTermination.__typename).toBe('SubmitTerminationSuccess');

    const operation = await waitFor(
      () => spans.find((s) => s.name === 'mutation SubmitTermination' && attribute(s, 'request.id') === requestId),
      () =>
        `operation span (${JSON.stringify(spans.filter((s) => s.name.includes('SubmitTermination')).map((s) => [s.name, s.attributes]))})`,
    );
    expect(attribute(operation, 'graphql.operation.name')).toBe('SubmitTermination');
    submitSpan = operation;
    // The HTTP server span is its ancestor, in the same trace, and carries the request id too.
    const serverSpan = await waitFor(
      () => spans.find((s) => s.traceId === operation.traceId && s.spanId !== operation.spanId && attribute(s, 'request.id') === requestId),
      'HTTP server span',
    );
    expect(serverSpan.parentSpanId || undefined).toBeUndefined();

    const sql = await waitFor(() => {
      const found = descendants(operation).filter(isSql);
      return found.some((s) => /insert/i.test(attribute(s, 'db.statement') ?? attribute(s, 'db.query.text') ?? s.name)) ? found : undefined;
    }, 'SQL insert under the operation');
    expect(sql.length).toBeGreaterThan(3);
    expect(sql.every((s) => s.traceId === operation.traceId)).toBe(true);
  });

  it('puts the trace id in the log lines written inside a trace', async () => {
    const operation = spans.find((s) => s.name === 'mutation SubmitTermination')!;
    // A refused operation is logged (with its code) inside its request's trace.
    const refused = await server.gql(`query { terminations(first: 1) { totalCount } }`);
    expect(refused.errors?.length).toBeGreaterThan(0);
    // The child's log line may reach this process a moment after its response does (another pipe).
    const tracedLines = () =>
      server
        .output()
        .split('\n')
        .slice(0, -1) // complete lines only
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { trace_id?: string; msg: string })
        .filter((l) => l.trace_id);
    const traced = await waitFor(
      () => (tracedLines().length ? tracedLines() : undefined),
      () => `traced log line in ${server.output().slice(-2000)}`,
    );
    expect(traced.every((l) => /^[0-9a-f]{32}$/.test(l.trace_id!))).toBe(true);
    // Every trace id in the log is one the receiver got (or is about to get): at least one matches already.
    await waitFor(() => (traced.some((l) => spans.some((s) => s.traceId === l.trace_id)) ? true : undefined), 'logged trace id');
    expect(operation).toBeDefined();
  });

  it('a worker sends a span per job run, with its SQL and its outgoing HTTP (a webhook delivery) under it; jobs a request queued carry its request id', async () => {
    const receiver = await WebhookReceiver.start();
    let worker: CompiledProcess | undefined;
    try {
      await endpointFor(server, receiver, ['TERMINATION_SUBMITTED']);
      const [orderNumber] = await openOrders(server, 1);
      const submitted = await server.gql<{ submitTermination: { __typename: string } }>(
        `mutation($input: SubmitTerminationInput!) { submitTermination(input: $input) { __typename } }`,
        { input: { orderNumber, reasonCode: 'CUSTOMER_CHANGE', explanation: 'traced webhook' } },
        await server.login('clerk@example.com'),
      );
      expect(submitted.data?.submitTermination.__typename).toBe('SubmitTerminationSuccess');

      // The approval SLA reminder the first test's submission queued (for later): due now, so that this
      // worker runs it.
      const [sla] = await server.sql<{ n: number }>(
        `with due as (update graphile_worker._private_jobs j set run_at = now() from graphile_worker._private_tasks t
           where t.id = j.task_id and t.identifier = 'approval_sla' returning 1) select count(*)::int as n from due`,
      );
      expect(sla!.n).toBeGreaterThanOrEqual(1);
      worker = await spawnCompiled('worker', {
        ...tracingEnv(),
        DATABASE_URL: server.databaseUrl,
        DEV_MAILBOX: '1',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      });
      const port = String(receiver.port);
      const outgoing = await waitFor(
        () =>
          spans.find(
            (s) =>
              s.kind === 3 &&
              [attribute(s, 'http.url'), attribute(s, 'url.full'), attribute(s, 'net.peer.port'), attribute(s, 'server.port')].some((v) =>
                v?.includes(port),
              ),
          ),
        'HTTP client span to the webhook receiver',
      );
      expect(receiver.received.length).toBeGreaterThanOrEqual(1);
      // The job span ends (and is sent) after the HTTP span under it: wait for it.
      const job = await waitFor(
        () => ancestors(outgoing).find((s) => /^job /.test(s.name)),
        () => `job span above the HTTP client span (${JSON.stringify(ancestors(outgoing).map((s) => s.name))})`,
      );
      expect(job.name).toBe(`job ${attribute(job, 'job.task')}`);
      expect(job.kind).toBe(5);
      const sql = await waitFor(() => {
        const found = descendants(job).filter(isSql);
        return found.length ? found : undefined;
      }, 'SQL under the job span');
      expect(sql.every((s) => s.traceId === job.traceId)).toBe(true);

      // The SLA job of the first test's submission: its span carries that request's id and links to
      // the span that queued it, in the request's trace.
      const queued = await waitFor(
        () => spans.find((s) => s.name === 'job approval_sla' && attribute(s, 'request.id') === submitRequestId),
        () =>
          `job span with request.id ${submitRequestId} (${JSON.stringify(spans.filter((s) => /^job /.test(s.name)).map((s) => [s.name, s.attributes]))})`,
      );
      const link = queued.links?.find((l) => l.traceId === submitSpan.traceId);
      expect(link, JSON.stringify(queued.links)).toBeDefined();
      const linked = spans.find((s) => s.spanId === link!.spanId)!;
      expect([linked, ...ancestors(linked)].map((s) => s.spanId)).toContain(submitSpan.spanId);
    } finally {
      await worker?.signal('SIGTERM');
      await receiver.stop();
    }
  }, 120_000);

  it('traces outgoing fetch too: the single sign-on calls to the identity provider, in the trace of the request that made them', async () => {
    const { idp, env } = await startIdpForApi();
    const database = await cloneTemplateDatabase('otel_sso');
    let api: CompiledProcess | undefined;
    try {
      // Outside production: the test identity provider speaks plain HTTP, which production refuses.
      api = await spawnCompiled('start', {
        ...env,
        ...tracingEnv(),
        NODE_ENV: 'development',
        SEED_DEMO: '0',
        RUN_WORKER: '0',
        DATABASE_URL: database.url,
      });
      const issuer = new URL(idp.issuer);
      idp.accounts.set('ivy', { email: 'ivy.sso@example.com', email_verified: true, roles: ['nobody-mapped'] });
      // Unmapped: refused after the code exchange, which is what is traced here.
      const { landing } = await walkSso(api.url, 'ivy');
      expect(landing.searchParams.get('error')).toBe('unmapped_role');

      const toIdp = (s: OtlpSpan) => s.kind === 3 && (attribute(s, 'url.full') ?? attribute(s, 'http.url') ?? '').startsWith(issuer.origin);
      const exchange = await waitFor(
        () => spans.find((s) => toIdp(s) && /\/token\b/.test(attribute(s, 'url.full') ?? attribute(s, 'http.url') ?? '')),
        () => `client span of the code exchange (${JSON.stringify(spans.filter(toIdp).map((s) => attribute(s, 'url.full')))})`,
      );
      expect(attribute(exchange, 'http.request.method') ?? attribute(exchange, 'http.method')).toBe('POST');
      expect(spans.some((s) => toIdp(s) && /openid-configuration/.test(attribute(s, 'url.full') ?? ''))).toBe(true);
      // Under the HTTP server span of the callback that exchanged the code.
      const callback = await waitFor(
        () => [exchange, ...ancestors(exchange)].find((s) => s.kind === 2),
        () => `server span above the code exchange (${JSON.stringify(ancestors(exchange).map((s) => s.name))})`,
      );
      expect(attribute(callback, 'url.path') ?? attribute(callback, 'http.target') ?? '').toMatch(/^\/auth\/oidc\/callback/);
    } finally {
      await api?.signal('SIGTERM');
      await database.drop();
      await idp.close();
    }
  }, 180_000);
});
