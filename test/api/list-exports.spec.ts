import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer());
  // Something in every list: an effective termination (follow-ups, audit events) and a pending one.
  await wf.effectiveDuplicateOrder('export test');
  const r = await wf.submit('clerk@example.com', {
    orderNumber: 'SO-2026-00001',
    reasonCode: 'CUSTOMER_CANCELLATION',
    explanation: '导出测试',
  });
  expect(r.__typename).toBe('SubmitTerminationSuccess');
});
afterAll(async () => server?.close());

type Lang = 'zh-CN' | 'en';

async function download(path: string, params: Record<string, string>, email = 'admin@example.com') {
  const url = new URL(path, server.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return fetch(url, { headers: { authorization: `Bearer ${await wf.token(email)}` } });
}

/** The sheet's rows as text, header first (dates as ISO strings, numbers as numbers). */
async function sheet(path: string, filter: unknown, lang: Lang): Promise<unknown[][]> {
  const res = await download(path, { filter: JSON.stringify(filter), lang });
  expect(
    res.status,
    await res
      .clone()
      .text()
      .catch(() => ''),
  ).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  const ws = workbook.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : (v ?? null)))));
  return rows;
}

async function gqlList<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  return wf.as<T>('admin@example.com', query, variables);
}

describe('XLSX exports read back with exceljs: the rows of the GraphQL list for the same filter', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`terminations (${lang})`, async () => {
      const filter = { status: ['PENDING_APPROVAL', 'EFFECTIVE'] };
      const data = await gqlList<{
        terminations: {
          edges: {
            node: {
              number: string;
              status: string;
              order: { number: string; customer: { name: string } };
              reason: { code: string };
              impact: { terminatedValue: string; refundDue: string };
              requestedAt: string;
            };
          }[];
        };
      }>(
        `query($f: TerminationFilter) { terminations(filter: $f, first: 100) { edges { node { number status order { number customer { name } } reason { code } impact { terminatedValue refundDue } requestedAt } } } }`,
        { f: filter },
      );
      const [header, ...rows] = await sheet('/exports/terminations.xlsx', filter, lang);
      expect(header![0]).toBe(lang === 'en' ? 'Number' : '终止单号');
      expect(header![6]).toBe(lang === 'en' ? 'Terminated value' : '终止金额');
      const nodes = data.terminations.edges.map((e) => e.node);
      expect(nodes.length).toBeGreaterThanOrEqual(2);
      expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[6], r[9], r[10]])).toEqual(
        nodes.map((t) => [
          t.number,
          t.status,
          t.order.number,
          t.order.customer.name,
          t.reason.code,
          Number(t.impact.terminatedValue),
          Number(t.impact.refundDue),
          new Date(t.requestedAt).toISOString(),
        ]),
      );
    });

    it(`orders (${lang})`, async () => {
      const filter = { search: 'SO-2026-0000' };
      const data = await gqlList<{
        orders: { edges: { node: { number: string; status: string; totalAmount: string; customer: { name: string } } }[] };
      }>(`query($f: OrderFilter) { orders(filter: $f, first: 100) { edges { node { number status totalAmount customer { name } } } } }`, {
        f: filter,
      });
      const [header, ...rows] = await sheet('/exports/orders.xlsx', filter, lang);
      expect(header![1]).toBe(lang === 'en' ? 'Customer' : '客户');
      expect(data.orders.edges.length).toBeGreaterThan(1);
      expect(rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual(
        data.orders.edges.map(({ node: o }) => [o.number, o.customer.name, o.status, Number(o.totalAmount)]),
      );
    });

    it(`follow-up tasks (${lang})`, async () => {
      const filter = { department: 'SALES', status: ['OPEN'] };
      const data = await gqlList<{
        followUpTasks: { edges: { node: { kind: string; status: string; dueAt: string; termination: { number: string } } }[] };
      }>(
        `query($f: FollowUpTaskFilter) { followUpTasks(filter: $f, first: 100) { edges { node { kind status dueAt termination { number } } } } }`,
        { f: filter },
      );
      const [header, ...rows] = await sheet('/exports/follow-up-tasks.xlsx', filter, lang);
      expect(header![4]).toBe(lang === 'en' ? 'Owner' : '负责人');
      expect(data.followUpTasks.edges.length).toBeGreaterThan(0);
      expect(rows.map((r) => [r[0], r[1], r[3], r[5]])).toEqual(
        data.followUpTasks.edges.map(({ node: t }) => [t.termination.number, t.kind, t.status, new Date(t.dueAt).toISOString()]),
      );
    });

    it(`audit events (${lang})`, async () => {
      const filter = { types: ['APPROVAL_APPROVED', 'TERMINATION_SUBMITTED'] };
      const data = await gqlList<{
        events: { edges: { node: { sequence: string; type: string; actorName: string; terminationNumber: string } }[] };
      }>(`query($t: [EventType!]) { events(types: $t, first: 100) { edges { node { sequence type actorName terminationNumber } } } }`, {
        t: filter.types,
      });
      const [header, ...rows] = await sheet('/exports/audit.xlsx', filter, lang);
      expect(header![4]).toBe(lang === 'en' ? 'Actor' : '操作人');
      expect(data.events.edges.length).toBeGreaterThan(1);
      expect(rows.map((r) => [r[0], r[2], r[4], r[5]])).toEqual(
        data.events.edges.map(({ node: e }) => [e.sequence, e.type, e.actorName, e.terminationNumber]),
      );
    });

    it(`one termination's audit trail (${lang}): the events of that termination only, as its page lists them`, async () => {
      const [{ number }] = await server.sql<{ number: string }>(`select number from termination where status = 'EFFECTIVE' limit 1`);
      const data = await gqlList<{
        events: { edges: { node: { sequence: string; type: string; terminationNumber: string } }[] };
        termination: { auditTrail: { action: string }[] };
      }>(
        `query($n: String!) { events(terminationNumber: $n, first: 100) { edges { node { sequence type terminationNumber } } }
           termination(number: $n) { auditTrail { action } } }`,
        { n: number },
      );
      const [, ...rows] = await sheet('/exports/audit.xlsx', { terminationNumber: number }, lang);
      expect(rows.length).toBeGreaterThan(3);
      expect(rows.map((r) => [r[0], r[2], r[5]])).toEqual(
        data.events.edges.map(({ node: e }) => [e.sequence, e.type, e.terminationNumber]),
      );
      expect(new Set(rows.map((r) => r[5]))).toEqual(new Set([number]));
      // The same events the termination's audit tab shows (the log keeps them; the demo's are recent).
      expect(rows.length).toBe(data.termination.auditTrail.length);
      // Another number's sheet is empty, not an error.
      const [, ...none] = await sheet('/exports/audit.xlsx', { terminationNumber: 'TR-NONE' }, lang);
      expect(none).toEqual([]);
    });
  }
});

describe('export requests that are refused', () => {
  it('a filter the list would refuse is a 400 with the reason; no sign-in is a 401; a missing permission a 403', async () => {
    const bad = await download('/exports/terminations.xlsx', { filter: JSON.stringify({ status: ['NO_SUCH_STATUS'] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('filter.status');
    expect((await download('/exports/orders.xlsx', { filter: '{not json' })).status).toBe(400);
    const anonymous = await fetch(new URL('/exports/orders.xlsx', server.url));
    expect(anonymous.status).toBe(401);
    // A partner key that reads orders only may not export the audit log.
    const key = await wf.as<{ createApiKey: { secret: string } }>(
      'admin@example.com',
      `mutation { createApiKey(input: { name: "export test", scopes: [ORDERS_READ] }) { ... on CreateApiKeySuccess { secret } } }`,
    );
    const refused = await fetch(new URL('/exports/audit.xlsx', server.url), {
      headers: { authorization: `Bearer ${key.createApiKey.secret}` },
    });
    expect(refused.status).toBe(403);
    const allowed = await fetch(new URL('/exports/orders.csv?filter=' + encodeURIComponent('{"search":"SO-2026-00001"}'), server.url), {
      headers: { authorization: `Bearer ${key.createApiKey.secret}` },
    });
    expect(allowed.status).toBe(200);
    const bytes = Buffer.from(await allowed.arrayBuffer());
    // A BOM first, so that spreadsheet programs read the Chinese names as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    expect(csv.split('\n')[0]).toBe('number,customer,status,stage,order_date,total_amount,currency');
    expect(csv.split('\n')[1]).toMatch(/^SO-2026-00001,/);
  });

  it('the unfiltered audit log streams out (chunked, no length known up front) with every event the reader may see', async () => {
    const res = await download('/exports/audit.xlsx', { lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sequences: string[] = [];
    workbook.worksheets[0]!.eachRow((row, n) => void (n > 1 && sequences.push(String(row.getCell(1).value))));
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { events: { edges: { node: { sequence: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } =
        await gqlList(
          `query($a: String) { events(after: $a, first: 100) { edges { node { sequence } } pageInfo { hasNextPage endCursor } } }`,
          { a: after },
        );
      all.push(...page.events.edges.map((e) => e.node.sequence));
      if (!page.events.pageInfo.hasNextPage) break;
      after = page.events.pageInfo.endCursor;
    }
    expect(all.length).toBeGreaterThan(10);
    expect(sequences).toEqual(all);
  });
});

describe("one termination's audit export beyond the feed's retention", () => {
  it('keeps every event of the termination, as its page does, when the feed no longer lists them', async () => {
    const [{ number, id }] = await server.sql<{ number: string; id: string }>(
      `select number, id from termination where status = 'EFFECTIVE' order by created_at limit 1`,
    );
    // The termination's events made older than the feed keeps (EVENT_RETENTION_DAYS, 90 by default).
    // The log is append-only by trigger; only a replica-role session (as a restore would) may age it.
    await server.sql(`begin; set local session_replication_role = replica;
      update audit_event set created_at = created_at - interval '400 days' where termination_id = '${id}'; commit;`);
    const aged = await server.sql(`select id from audit_event where termination_id = $1 and created_at < now() - interval '300 days'`, [
      id,
    ]);
    expect(aged.length).toBeGreaterThan(3);
    const data = await gqlList<{
      events: { edges: unknown[] };
      termination: { auditTrail: { action: string }[] };
    }>(
      `query($n: String!) { events(terminationNumber: $n, first: 100) { edges { cursor } } termination(number: $n) { auditTrail { action } } }`,
      {
        n: number,
      },
    );
    // The partner feed no longer serves them …
    expect(data.events.edges).toEqual([]);
    // … but the termination's trail, on its page and exported, is whole.
    expect(data.termination.auditTrail.length).toBe(aged.length);
    const [, ...rows] = await sheet('/exports/audit.xlsx', { terminationNumber: number }, 'en');
    expect(rows.length).toBe(aged.length);
    // Same events in the same order (the sheet names a type as the GraphQL enum, the trail as dotted).
    expect(rows.map((r) => r[2])).toEqual(data.termination.auditTrail.map((e) => e.action.replace(/\./g, '_').toUpperCase()));
    expect(new Set(rows.map((r) => r[5]))).toEqual(new Set([number]));
  });
});
