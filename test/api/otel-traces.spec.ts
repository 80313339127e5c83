import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionServer, type ProductionServer } from '../harness/production-server.js';

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
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const spans: OtlpSpan[] = [];
let receiver: http.Server;
let server: ProductionServer;

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
  server = await startProductionServer({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Send spans quickly (the default batch waits 5 s).
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
  });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

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

describe('traces', () => {
  it('sends submitTermination as one trace: the operation span, SQL under it, the request id on it', async () => {
    const token = await server.login('clerk@example.com');
    const requestId = `trace-test-${Date.now()}`;
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
    // The HTTP server span is its ancestor, in the same trace, and carries the request id too.
    const serverSpan = await waitFor(
      () => spans.find((s) => s.traceId === operation.traceId && s.spanId !== operation.spanId && attribute(s, 'request.id') === requestId),
      'HTTP server span',
    );
    expect(serverSpan.parentSpanId || undefined).toBeUndefined();

    const descendants = (root: OtlpSpan): OtlpSpan[] => {
      const children = spans.filter((s) => s.parentSpanId === root.spanId);
      return children.flatMap((c) => [c, ...descendants(c)]);
    };
    const sql = await waitFor(() => {
      const found = descendants(operation).filter(
        (s) => attribute(s, 'db.system') === 'postgresql' || attribute(s, 'db.system.name') === 'postgresql',
      );
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
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { trace_id?: string; msg: string });
    const traced = lines.filter((l) => l.trace_id);
    expect(traced.length).toBeGreaterThan(0);
    expect(traced.every((l) => /^[0-9a-f]{32}$/.test(l.trace_id!))).toBe(true);
    // Every trace id in the log is one the receiver got (or is about to get): at least one matches already.
    await waitFor(() => (traced.some((l) => spans.some((s) => s.traceId === l.trace_id)) ? true : undefined), 'logged trace id');
    expect(operation).toBeDefined();
  });
});
