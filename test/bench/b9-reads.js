// B9 — cost that does not grow with the data: server time p50 of the common reads at two volumes
// (100 000 and 1 000 000 orders, `seed-volume --orders N`, one database each), and the growth ratio.
// The compiled API runs in this process in production mode (as B2 does) against each database in
// turn; every read is sent over HTTP with an administrator's token, warmed up, then timed
// `B9_SAMPLES` times one after another. Each statement a read issues is captured with its bindings
// and run again under EXPLAIN (ANALYZE, BUFFERS): a Seq Scan over a big table marks the read.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { log, login, median, round } from './lib/common.js';
import { startInProcessApi } from './lib/in-process.js';

const BASE = 'postgres://postgres@127.0.0.1:5432';
/** `label=url` pairs, smallest first; the defaults are the databases the B9 seed instructions name. */
const DATABASES = (process.env.B9_DATABASES ?? `100k=${BASE}/ot_b9_100k,1M=${BASE}/ot_b9_1m`).split(',').map((pair) => {
  const [label, url] = pair.split('=');
  return { label, url };
});
const SAMPLES = Number(process.env.B9_SAMPLES ?? 9);
/** Only the reads whose name matches this regular expression (all when unset): to measure one change. */
const ONLY = process.env.B9_READS ? new RegExp(process.env.B9_READS) : null;
const TARGET_MS = 100;
const TARGET_GROWTH = 1.5;
/** A table with more rows than this is big: scanning it whole is what B9 looks for. */
const BIG_TABLE_ROWS = 20_000;

// The lists count with boundedCount (exact up to 10 000, then "10 000+"); ORDER_LIST_EXACT shows what an exact totalCount costs.
const ORDER_LIST = `query($filter: OrderFilter) { orders(filter: $filter, first: 20) { boundedCount { count exact } pageInfo { hasNextPage endCursor }
  edges { node { id number status stage currency totalAmount orderDate customer { id code name nameEn } } } } }`;
const ORDER_LIST_EXACT = ORDER_LIST.replace('boundedCount { count exact }', 'totalCount');
const TERMINATION_LIST = `query($filter: TerminationFilter) { terminations(filter: $filter, first: 20) { boundedCount { count exact } pageInfo { hasNextPage endCursor }
  edges { node { id number status requestedAt order { id number customer { id code name nameEn } } impact { currency terminatedValue }
  approvalSteps { id department status overdue } } } } }`;
const BOARD = `query($department: String!) { approvalBoard(department: $department) { department overdueCount pendingCount
  recentDecisions { id status decidedAt stage termination { id number order { id number } } } } }`;
const BOARD_CARDS = `query($department: String!) { approvalBoardCards(department: $department, first: 24) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { id dueAt termination { id number order { id number customer { id name } } } } } } }`;
const FOLLOW_UPS = `query($department: String) {
  open: followUpTasks(filter: { department: $department, status: [OPEN] }, first: 50) { totalCount edges { node { id kind department dueAt instructions termination { id number } } } }
  done: followUpTasks(filter: { department: $department, status: [DONE] }, first: 50) { totalCount edges { node { id completedAt } } } }`;
const STATS_DASHBOARD = `query($monthStart: DateTimeISO!, $yearStart: DateTimeISO!) {
  month: terminationStats(from: $monthStart) { total pendingApprovals awaitingCustomer effectiveInPeriod overdueSteps }
  year: terminationStats(from: $yearStart) { total baseCurrency terminatedValue cancellationFees refunds missingRates
    byCurrency { currency count terminatedValue } byReason { key count } byMonth { month submitted effective }
    byDepartment { department steps slaBreaches } perStage { stage department medianHours p90Hours count }
    submittedToEffective { count medianHours p90Hours } } }`;
const STATS_ALL = `{ terminationStats { total pendingApprovals awaitingCustomer overdueSteps effectiveInPeriod terminatedValue
  byStatus { key count } byReason { key count } byCustomer { key count } byProduct { key count } byMonth { month submitted }
  byDepartment { department steps slaBreaches } perStage { stage department medianHours } submittedToEffective { medianHours } } }`;
const DISCONTINUATION = `query($sku: String!) { discontinuationImpact(productSku: $sku) { productSku orderCount openQuantity blockedCount
  openValueByCurrency { currency amount } orders { orderNumber customerName currency } } }`;

/** Values the reads use, taken from the database so that each read finds (or misses) what it should. */
async function pickValues(client) {
  const one = async (sql) => (await client.query(sql)).rows[0] ?? {};
  const order = await one(`select number from sales_order where number like 'SO-V-%' order by number offset 5000 limit 1`);
  const reason = await one(
    `select r.code from termination_reason r join termination t on t.reason_id = r.id group by r.code order by count(*) desc limit 1`,
  );
  const terminated = await one(`select o.number from termination t join sales_order o on o.id = t.order_id order by t.created_at limit 1`);
  const product =
    await one(`select p.sku from product p join sales_order_line l on l.product_id = p.id join sales_order o on o.id = l.order_id
     where o.status in ('CONFIRMED', 'IN_PRODUCTION') and p.status = 'ACTIVE' group by p.sku order by count(*) desc limit 1`);
  return { orderNumber: order.number, reasonCode: reason.code, terminatedOrder: terminated.number, sku: product.sku };
}

function reads(v) {
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const yearStart = new Date(Date.UTC(now.getUTCFullYear(), 0, 1)).toISOString();
  const terminations = (name, filter) => ({ name: `terminations ${name}`, query: TERMINATION_LIST, variables: { filter } });
  return [
    { name: 'orders search by number (hit)', query: ORDER_LIST, variables: { filter: { search: v.orderNumber } } },
    { name: 'orders search by number (none)', query: ORDER_LIST, variables: { filter: { search: 'SO-2026-0999' } } },
    { name: 'orders search 华东 (customer name)', query: ORDER_LIST, variables: { filter: { search: '华东' } } },
    { name: 'orders, no filter', query: ORDER_LIST, variables: { filter: null } },
    { name: 'orders search 华东, exact totalCount', query: ORDER_LIST_EXACT, variables: { filter: { search: '华东' } } },
    { name: 'orders, no filter, exact totalCount', query: ORDER_LIST_EXACT, variables: { filter: null } },
    terminations('(no filter)', null),
    terminations('status PENDING_APPROVAL', { status: ['PENDING_APPROVAL'] }),
    terminations('status EFFECTIVE+CLOSED', { status: ['EFFECTIVE', 'CLOSED'] }),
    terminations('pendingDepartment SALES', { pendingDepartment: 'SALES' }),
    terminations(`reasonCode ${v.reasonCode}`, { reasonCode: v.reasonCode }),
    terminations('orderNumber', { orderNumber: v.terminatedOrder }),
    terminations('search 华东', { search: '华东' }),
    terminations('search order number', { search: v.terminatedOrder }),
    terminations('mine', { mine: true }),
    terminations('overdue', { overdue: true }),
    terminations('effective this year', { effectiveFrom: yearStart }),
    { name: 'approvalBoard SALES', query: BOARD, variables: { department: 'SALES' } },
    { name: 'approvalBoardCards SALES', query: BOARD_CARDS, variables: { department: 'SALES' } },
    { name: 'followUpTasks open + done', query: FOLLOW_UPS, variables: { department: null } },
    { name: 'terminationStats dashboard (month, year)', query: STATS_DASHBOARD, variables: { monthStart, yearStart } },
    { name: 'terminationStats all time', query: STATS_ALL, variables: {} },
    { name: `discontinuationImpact ${v.sku}`, query: DISCONTINUATION, variables: { sku: v.sku } },
  ];
}

/** "?" placeholders (MikroORM's execute) as "$n", so the statement can be explained with its bindings. */
function positional(sql) {
  if (/\$1\b/.test(sql)) return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function walk(plan, visit) {
  visit(plan);
  for (const child of plan.Plans ?? []) walk(child, visit);
}

async function explain(client, statement, bigTables) {
  const { rows } = await client.query({
    text: `explain (analyze, buffers, format json) ${positional(statement.sql)}`,
    values: statement.bindings ?? [],
  });
  const plan = rows[0]['QUERY PLAN'][0];
  const scans = [];
  walk(plan.Plan, (node) => {
    if (node['Node Type'] === 'Seq Scan' && bigTables.has(node['Relation Name'])) {
      scans.push(
        `${node['Relation Name']} (${node['Actual Rows'] * (node['Actual Loops'] ?? 1)} rows out, ${node['Rows Removed by Filter'] ?? 0} removed)`,
      );
    }
  });
  const buffers = (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0);
  return { ms: round(plan['Execution Time'], 1), buffers, scans, sql: statement.sql.replace(/\s+/g, ' ').slice(0, 300) };
}

async function measureDatabase({ label, url }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sizes = (
    await client.query(`select (select count(*) from sales_order)::int as orders, (select count(*) from termination)::int as terminations`)
  ).rows[0];
  const bigTables = new Set(
    (await client.query(`select relname from pg_class where relkind = 'r' and reltuples > $1`, [BIG_TABLE_ROWS])).rows.map(
      (r) => r.relname,
    ),
  );
  const { app, url: apiUrl } = await startInProcessApi(url);
  let recording = null;
  app.orm.em.getKnex().client.on('query', (q) => {
    if (recording && /^\s*(select|with)\b/i.test(q.sql)) recording.push({ sql: q.sql, bindings: q.bindings });
  });
  try {
    const token = await login(apiUrl, 'admin@example.com');
    const values = await pickValues(client);
    log(`B9 ${label}: ${sizes.orders} orders, ${sizes.terminations} terminations; values ${JSON.stringify(values)}`);
    const send = async (read) => {
      const res = await fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: read.query, variables: read.variables }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(`${read.name}: ${JSON.stringify(body.errors).slice(0, 500)}`);
      return body.data;
    };
    const out = [];
    for (const read of reads(values).filter((r) => !ONLY || ONLY.test(r.name))) {
      await send(read);
      await send(read);
      const times = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await send(read);
        times.push(performance.now() - t0);
      }
      recording = [];
      const data = await send(read);
      const statements = recording;
      recording = null;
      const plans = [];
      for (const statement of statements) {
        try {
          plans.push(await explain(client, statement, bigTables));
        } catch (error) {
          plans.push({ ms: null, scans: [], sql: statement.sql.slice(0, 200), error: String(error.message ?? error).slice(0, 200) });
        }
      }
      plans.sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0));
      const list = Object.values(data).find((v) => v && typeof v === 'object' && ('totalCount' in v || 'boundedCount' in v));
      const count = list ? (list.totalCount ?? `${list.boundedCount.count}${list.boundedCount.exact ? '' : '+'}`) : null;
      // What the data costs, apart from the machine's load on the server process: the plans' own time and pages.
      const dbMs = round(
        plans.reduce((sum, p) => sum + (p.ms ?? 0), 0),
        1,
      );
      const buffers = plans.reduce((sum, p) => sum + (p.buffers ?? 0), 0);
      const p50 = round(median(times), 1);
      const scans = plans.flatMap((p) => p.scans);
      log(
        `B9 ${label} ${read.name}: p50 ${p50} ms (min ${round(Math.min(...times), 1)}), count ${count ?? '—'}, ${statements.length} statements, ` +
          `SQL ${dbMs} ms / ${buffers} pages${scans.length ? `, SEQ SCAN ${scans.join('; ')}` : ''}`,
      );
      out.push({
        name: read.name,
        p50,
        samples: times.map((t) => round(t, 1)),
        count,
        statements: statements.length,
        dbMs,
        buffers,
        plans: plans.slice(0, 3),
        scans,
      });
    }
    return { label, ...sizes, values, reads: out };
  } finally {
    await app.close();
    await client.end();
  }
}

export async function runB9() {
  const runs = [];
  for (const database of DATABASES) runs.push(await measureDatabase(database));
  const small = runs[0];
  const large = runs.at(-1);
  const rows = large.reads.map((read, i) => {
    const before = small.reads[i];
    const growth = runs.length > 1 ? read.p50 / before.p50 : null;
    const met = read.p50 <= TARGET_MS && (growth === null || growth <= TARGET_GROWTH) && read.scans.length === 0;
    return {
      bench: 'B9',
      metric: `${read.name}, p50 ms at ${runs.map((r) => r.label).join(' / ')}${read.scans.length ? ' (seq scan)' : ''}`,
      ours: `${runs.map((r) => r.reads[i].p50).join(' / ')} (SQL ${runs.map((r) => r.reads[i].dbMs).join(' / ')} ms, ${runs.map((r) => r.reads[i].buffers).join(' / ')} pages)`,
      peer: '—',
      ratio: growth === null ? '—' : `${round(growth, 2)}×`,
      target: `≤ ${TARGET_MS} ms at ${large.label}, ≤ ${TARGET_GROWTH}×, no seq scan`,
      met,
    };
  });
  return {
    name: 'B9 reads at 100 000 and 1 000 000 orders',
    note: `p50 of ${SAMPLES} sequential requests per read after two warm-ups, HTTP round trip on localhost to the compiled API (production mode, in-process, admin token); plans from EXPLAIN (ANALYZE, BUFFERS) of every statement of one more request; a big table has more than ${BIG_TABLE_ROWS} rows.`,
    runs,
    rows,
  };
}
