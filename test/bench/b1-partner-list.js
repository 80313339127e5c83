// B1 — the partner list query: our API (API key, production mode) against PostGraphile 5 over the
// same tables and a raw SQL limit (one hand-written statement behind node:http). Interleaved rounds.
// With a before contender (BENCH_BEFORE, lib/before.js) an older build of our API runs too, on its
// own database, and the rows add ours against it.
import path from 'node:path';
import pg from 'pg';
import {
  BENCH_DIR,
  DATABASE_URL,
  cpuMs,
  dbBackendCpu,
  dbCpuDelta,
  freePort,
  gql,
  log,
  login,
  median,
  ratioOf,
  round,
  runJsonChild,
  sleep,
  spawnProcess,
  startApi,
  withPg,
} from './lib/common.js';

export const OUR_QUERY = `query PartnerList($first: Int) {
  terminations(first: $first, filter: { status: [PENDING_APPROVAL] }) {
    edges { node {
      number status reason { code }
      order { number customer { name } lines { product { sku } quantity } }
      approvalSteps { department status dueAt }
      impact { refundDue cancellationFee }
    } }
  }
}`;

const PG_QUERY = `query PartnerList($first: Int) {
  allTerminations(first: $first, condition: { status: "PENDING_APPROVAL" }, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
    edges { node {
      number status terminationReasonByReasonId { code }
      salesOrderByOrderId { number customerByCustomerId { name }
        salesOrderLinesByOrderId(orderBy: [LINE_NO_ASC]) { nodes { productByProductId { sku } quantity } } }
      approvalStepsByTerminationId(orderBy: [STAGE_ASC, DEPARTMENT_ASC]) { nodes { department status dueAt } }
      impactRefundDue impactCancellationFee
    } }
  }
}`;

/** Computed columns so PostGraphile reads the two impact fields in SQL (bench database only). */
const PG_SETUP = `
create or replace function termination_impact_refund_due(t termination) returns text language sql stable as $$ select t.impact->>'refundDue' $$;
create or replace function termination_impact_cancellation_fee(t termination) returns text language sql stable as $$ select t.impact->>'cancellationFee' $$;`;

const SCOPES = ['TERMINATIONS_READ', 'ORDERS_READ'];

export async function createApiKey(url, scopes = SCOPES) {
  const admin = await login(url, 'admin@example.com');
  const data = await gql(
    url,
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { secret } ... on ErrorResult { code message } } }`,
    { input: { name: `bench ${new Date().toISOString()}`, scopes } },
    admin,
  );
  if (!data.createApiKey.secret) throw new Error(`createApiKey failed: ${JSON.stringify(data)}`);
  return data.createApiKey.secret;
}

/** Our response shape, from PostGraphile's, so the three answers can be compared. */
function fromPostGraphile(body) {
  return body.data.allTerminations.edges.map(({ node }) => ({
    number: node.number,
    status: node.status,
    reason: { code: node.terminationReasonByReasonId.code },
    order: {
      number: node.salesOrderByOrderId.number,
      customer: { name: node.salesOrderByOrderId.customerByCustomerId.name },
      lines: node.salesOrderByOrderId.salesOrderLinesByOrderId.nodes.map((l) => ({
        product: { sku: l.productByProductId.sku },
        quantity: l.quantity,
      })),
    },
    approvalSteps: node.approvalStepsByTerminationId.nodes.map((s) => ({ department: s.department, status: s.status, dueAt: s.dueAt })),
    impact: { refundDue: node.impactRefundDue, cancellationFee: node.impactCancellationFee },
  }));
}

/** The shape of an answer (its keys, nested), to check an older build answers the same query alike on its own data. */
function shapeOf(value) {
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((k) => [k, shapeOf(value[k])]));
  return typeof value;
}

/** Timestamps compared as instants (PostGraphile prints microseconds and +00:00). */
function normalize(nodes) {
  return JSON.stringify(nodes, (key, value) => (key === 'dueAt' && value ? new Date(value).toISOString() : value));
}

async function fetchBody(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

export async function runB1(opts) {
  const { rounds, roundSec, warmupSec, connections, before = null } = opts;
  await withPg((c) => c.query(PG_SETUP));
  log(`B1: starting our API, PostGraphile and the raw SQL server${before ? `, and ${before.label} on its own database` : ''}`);
  const ours = await startApi('api-b1');
  const theirs = before ? await startApi('api-b1-before', { DATABASE_URL: before.databaseUrl }, { dist: before.dist }) : null;
  const pgPort = await freePort();
  const postgraphile = await spawnProcess(
    'postgraphile',
    ['--require', path.join(BENCH_DIR, 'polyfill.cjs'), path.join(BENCH_DIR, 'servers/postgraphile.js')],
    {
      env: { NODE_ENV: 'production', DATABASE_URL, PORT: String(pgPort) },
      readyLine: 'ready',
    },
  );
  const rawPort = await freePort();
  const raw = await spawnProcess('raw-sql', [path.join(BENCH_DIR, 'servers/raw-sql.js')], {
    env: { DATABASE_URL, PORT: String(rawPort) },
    readyLine: 'ready',
  });
  try {
    const apiKey = await createApiKey(ours.url);
    const variables = { first: 50 };
    const targets = [
      {
        name: 'ours',
        url: `${ours.url}/graphql`,
        body: JSON.stringify({ query: OUR_QUERY, variables }),
        headers: { authorization: `Bearer ${apiKey}` },
      },
      {
        name: 'postgraphile',
        url: `http://127.0.0.1:${pgPort}/graphql`,
        body: JSON.stringify({ query: PG_QUERY, variables }),
        headers: {},
      },
      { name: 'raw', url: `http://127.0.0.1:${rawPort}/graphql`, body: JSON.stringify({ variables }), headers: {} },
    ];
    if (theirs) {
      targets.push({
        name: 'before',
        url: `${theirs.url}/graphql`,
        body: JSON.stringify({ query: OUR_QUERY, variables }),
        headers: { authorization: `Bearer ${await createApiKey(theirs.url)}` },
        databaseUrl: before.databaseUrl,
      });
    }
    // Same answer from all three, or the comparison means nothing.
    for (const t of targets) t.expectBody = await fetchBody(t.url, t.body, t.headers);
    const oursNodes = JSON.parse(targets[0].expectBody).data.terminations.edges.map((e) => e.node);
    const rawNodes = JSON.parse(targets[2].expectBody).data.terminations.edges.map((e) => e.node);
    const pgNodes = fromPostGraphile(JSON.parse(targets[1].expectBody));
    if (oursNodes.length !== 50) throw new Error(`expected 50 terminations, got ${oursNodes.length}`);
    if (normalize(oursNodes) !== normalize(rawNodes)) throw new Error('B1: the raw SQL answer differs from ours');
    if (normalize(oursNodes) !== normalize(pgNodes)) throw new Error('B1: the PostGraphile answer differs from ours');
    if (theirs) {
      // Its own seed on its own database: the same query, 50 nodes of the same shape; the data may differ.
      const beforeNodes = JSON.parse(targets[3].expectBody).data.terminations.edges.map((e) => e.node);
      if (beforeNodes.length !== 50) throw new Error(`B1: ${before.label} answered ${beforeNodes.length} terminations, not 50`);
      if (JSON.stringify(shapeOf(beforeNodes)) !== JSON.stringify(shapeOf(oursNodes)))
        throw new Error(`B1: ${before.label}'s answer has another shape`);
      log(
        `B1: ${before.label} answers 50 nodes of the same shape, ${normalize(beforeNodes) === normalize(oursNodes) ? 'the same data' : 'other data (its own seed)'}; bytes ${targets[3].expectBody.length}`,
      );
    }
    log(
      `B1: answers identical (50 nodes; bytes ours ${targets[0].expectBody.length}, PostGraphile ${targets[1].expectBody.length}, raw ${targets[2].expectBody.length})`,
    );

    const load = (t, durationSec) =>
      runJsonChild(`autocannon ${t.name}`, path.join(BENCH_DIR, 'lib/http-load.js'), {
        url: t.url,
        body: t.body,
        headers: t.headers,
        connections,
        durationSec,
        expectBody: t.expectBody,
      });
    for (const t of targets) {
      log(`B1: warm-up ${t.name} ${warmupSec} s`);
      await load(t, warmupSec);
    }
    const results = Object.fromEntries(targets.map((t) => [t.name, []]));
    const pids = { ours: ours.pid, postgraphile: postgraphile.pid, raw: raw.pid, before: theirs?.pid };
    // Database CPU per contender is read from its own database's backends.
    const monitor = new pg.Client({ connectionString: DATABASE_URL });
    await monitor.connect();
    const beforeMonitor = theirs ? new pg.Client({ connectionString: before.databaseUrl }) : null;
    await beforeMonitor?.connect();
    const monitorOf = (t) => (t.name === 'before' ? beforeMonitor : monitor);
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        await sleep(500);
        const cpu0 = cpuMs(pids[t.name]);
        const db0 = await dbBackendCpu(monitorOf(t));
        const res = await load(t, roundSec);
        // CPU per request is robust to a busy machine: the server process and the database backends.
        res.serverCpuMsPerRequest = round((cpuMs(pids[t.name]) - cpu0) / res.requests, 2);
        res.dbCpuMsPerRequest = round(dbCpuDelta(db0, await dbBackendCpu(monitorOf(t))) / res.requests, 2);
        results[t.name].push(res);
        const bad = res.errors + res.timeouts + res.non2xx + res.mismatches;
        const detail = `errors ${res.errors}, timeouts ${res.timeouts}, non-2xx ${res.non2xx}, mismatched bodies ${res.mismatches}`;
        log(
          `B1 round ${r + 1}/${rounds} ${t.name}: ${round(res.rps, 1)} req/s, p99 ${res.p99} ms, CPU/request server ${res.serverCpuMsPerRequest} ms + database ${res.dbCpuMsPerRequest} ms${bad ? ` — ${bad} BAD (${detail})` : ''}`,
        );
      }
    }
    await monitor.end();
    await beforeMonitor?.end();
    const summary = (name) => {
      const rs = results[name];
      return {
        rps: round(median(rs.map((x) => x.rps)), 1),
        p99: median(rs.map((x) => x.p99)),
        p50: median(rs.map((x) => x.p50)),
        serverCpuMsPerRequest: round(median(rs.map((x) => x.serverCpuMsPerRequest)), 2),
        dbCpuMsPerRequest: round(median(rs.map((x) => x.dbCpuMsPerRequest)), 2),
        rounds: rs.map((x) => ({
          rps: round(x.rps, 1),
          p50: x.p50,
          p99: x.p99,
          serverCpuMsPerRequest: x.serverCpuMsPerRequest,
          dbCpuMsPerRequest: x.dbCpuMsPerRequest,
        })),
        badResponses: rs.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx + x.mismatches, 0),
        bytesPerResponse: rs[0].bytesPerResponse,
      };
    };
    const rps = (name) => results[name].map((x) => x.rps);
    const p99 = (name) => results[name].map((x) => x.p99);
    const vsPg = ratioOf(rps('ours'), rps('postgraphile'));
    const vsRaw = ratioOf(rps('ours'), rps('raw'));
    const p99VsPg = ratioOf(p99('ours'), p99('postgraphile'));
    const p99VsRaw = ratioOf(p99('ours'), p99('raw'));
    const vsBefore = theirs ? ratioOf(rps('ours'), rps('before')) : null;
    const p99VsBefore = theirs ? ratioOf(p99('ours'), p99('before')) : null;
    const beforeRows = theirs
      ? [
          {
            bench: 'B1',
            metric: `req/s ours vs ${before.label} (its own database and seed)`,
            ours: `${summary('ours').rps}`,
            peer: `${summary('before').rps}`,
            ratio: vsBefore,
            target: '≥ 1.0× (no regression)',
            met: vsBefore.ratio >= 1.0,
          },
          {
            bench: 'B1',
            metric: `CPU ms per request, server + database: ours vs ${before.label}`,
            ours: `${summary('ours').serverCpuMsPerRequest} + ${summary('ours').dbCpuMsPerRequest}`,
            peer: `${summary('before').serverCpuMsPerRequest} + ${summary('before').dbCpuMsPerRequest}`,
            ratio: '—',
            target: '(explains the ratio)',
            met: null,
          },
          {
            bench: 'B1',
            metric: `p99 ms ours vs ${before.label}`,
            ours: `${summary('ours').p99}`,
            peer: `${summary('before').p99}`,
            ratio: p99VsBefore,
            target: '(lower is better)',
            met: null,
          },
        ]
      : [];
    return {
      name: 'B1 partner list query',
      config: { rounds, roundSec, warmupSec, connections, first: 50 },
      ours: summary('ours'),
      postgraphile: summary('postgraphile'),
      raw: summary('raw'),
      ...(theirs ? { before: { label: before.label, rev: before.rev, ...summary('before') } } : {}),
      ratios: { rpsVsPostgraphile: vsPg, rpsVsRaw: vsRaw, p99VsPostgraphile: p99VsPg, p99VsRaw, rpsVsBefore: vsBefore, p99VsBefore },
      rows: [
        {
          bench: 'B1',
          metric: 'req/s ours vs PostGraphile 5',
          ours: `${summary('ours').rps}`,
          peer: `${summary('postgraphile').rps}`,
          ratio: vsPg,
          target: '≥ 1.0×',
          met: vsPg.ratio >= 1.0,
        },
        {
          bench: 'B1',
          metric: 'req/s ours vs raw SQL',
          ours: `${summary('ours').rps}`,
          peer: `${summary('raw').rps}`,
          ratio: vsRaw,
          target: '≥ 0.5×',
          met: vsRaw.ratio >= 0.5,
        },
        {
          bench: 'B1',
          metric: 'CPU ms per request, server + database: ours vs PostGraphile 5 / raw SQL',
          ours: `${summary('ours').serverCpuMsPerRequest} + ${summary('ours').dbCpuMsPerRequest}`,
          peer: `${summary('postgraphile').serverCpuMsPerRequest} + ${summary('postgraphile').dbCpuMsPerRequest} / ${summary('raw').serverCpuMsPerRequest} + ${summary('raw').dbCpuMsPerRequest}`,
          ratio: '—',
          target: '(explains the ratios)',
          met: null,
        },
        {
          bench: 'B1',
          metric: 'p99 ms ours vs PostGraphile 5',
          ours: `${summary('ours').p99}`,
          peer: `${summary('postgraphile').p99}`,
          ratio: p99VsPg,
          target: '(lower is better)',
          met: null,
        },
        {
          bench: 'B1',
          metric: 'p99 ms ours vs raw SQL',
          ours: `${summary('ours').p99}`,
          peer: `${summary('raw').p99}`,
          ratio: p99VsRaw,
          target: '(lower is better)',
          met: null,
        },
        ...beforeRows,
      ],
    };
  } finally {
    await Promise.all([ours.stop(), postgraphile.stop(), raw.stop(), theirs?.stop()]);
  }
}
