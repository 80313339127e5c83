// Bulk discontinuation (issue #18, target ≥ 50 orders/s): `node test/bench/bulk-discontinuation.js`
// (or `pnpm bench bulk`). Each round copies the template database (`createdb -T`, so every
// contender starts from the same orders), starts the API with its worker on the copy, discontinues
// the product and follows the run through `bulkTerminationRun` (the progress the UI polls) until
// it completes. Orders/s is the run's own startedAt → finishedAt. Contenders alternate per round:
// this build (server/dist) and, with BENCH_SERVER_DIST, another build (e.g. main's) as "before".
// Settings: BULK_TEMPLATE_DB (default: the benchmark database's name), BULK_SKU (default: the
// product with the most open orders), BULK_ROUNDS (default 1 per contender).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { DATABASE_URL, ROOT, gql, log, login, round, sleep, startApi, withPg } from './lib/common.js';

const template = process.env.BULK_TEMPLATE_DB ?? new URL(DATABASE_URL).pathname.slice(1);
const rounds = Number(process.env.BULK_ROUNDS ?? 1);
const server = new URL(DATABASE_URL);
const pgArgs = ['-h', server.hostname, '-p', server.port || '5432', '-U', decodeURIComponent(server.username || 'postgres')];
const urlOf = (db) => Object.assign(new URL(DATABASE_URL), { pathname: `/${db}` }).toString();

const OPEN_ORDERS_BY_PRODUCT = `
  select p.sku, count(distinct l.order_id)::int as orders
    from sales_order_line l join product p on p.id = l.product_id join sales_order o on o.id = l.order_id
   where l.quantity > l.shipped_quantity + l.terminated_quantity and o.status <> 'TERMINATED'
   group by p.sku order by orders desc, p.sku limit 1`;

const START = `mutation($input: TerminateDiscontinuedProductInput!) { terminateDiscontinuedProduct(input: $input) {
  __typename ... on BulkTerminationRun { id } ... on ErrorResult { code message } } }`;
const PROGRESS = `query($id: ID!) { bulkTerminationRun(id: $id) { status total created skipped failed startedAt finishedAt error } }`;

async function oneRun(label, dist, sku) {
  const db = `${template}_bulk_${label}_${process.pid}`;
  execFileSync('createdb', [...pgArgs, '-T', template, db]);
  try {
    return await measure(label, sku, await startApi(`api-bulk-${label}`, { RUN_WORKER: '1', DATABASE_URL: urlOf(db) }, { dist }));
  } finally {
    execFileSync('dropdb', [...pgArgs, '--if-exists', db]);
  }
}

async function measure(label, sku, api) {
  try {
    const token = await login(api.url, 'admin@example.com');
    const started = await gql(
      api.url,
      START,
      { input: { productSku: sku, reasonCode: 'PRODUCT_DISCONTINUED', explanation: 'Benchmark: product discontinued by the supplier' } },
      token,
    );
    const id = started.terminateDiscontinuedProduct.id;
    if (!id) throw new Error(`the run did not start: ${JSON.stringify(started)}`);
    const load = [os.loadavg()[0]];
    let run;
    let polls = 0;
    for (;;) {
      await sleep(1000);
      try {
        run = (await gql(api.url, PROGRESS, { id }, token)).bulkTerminationRun;
      } catch (error) {
        // On a loaded machine a kept-alive socket can be closed by the server as the poll goes out.
        if (error?.cause?.code !== 'ECONNRESET') throw error;
        continue;
      }
      polls += 1;
      if (polls % 10 === 0) {
        load.push(os.loadavg()[0]);
        log(`${label}: ${run.created + run.skipped + run.failed}/${run.total} (${run.status})`);
      }
      if (run.status === 'COMPLETED' || run.status === 'FAILED') break;
    }
    load.push(os.loadavg()[0]);
    const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
    const done = run.created + run.skipped + run.failed;
    const rates = { label, status: run.status, total: run.total, created: run.created, skipped: run.skipped, failed: run.failed };
    // Chunks that failed as a whole were redone one order at a time (bulk.service.ts): far slower, so counted.
    const wholeChunkFailures = api.output().split('failed as a whole').length - 1;
    return {
      ...rates,
      wholeChunkFailures,
      seconds: round(seconds, 1),
      ordersPerSecond: round(done / seconds, 1),
      load: round(load.reduce((a, b) => a + b) / load.length, 1),
    };
  } catch (error) {
    // A crash of the API is the finding: say how it ended and what it last wrote.
    const { exitCode, signalCode } = api.child;
    throw new Error(`${label}: ${error.message}; API exit ${exitCode} signal ${signalCode}:\n${api.output().slice(-3000)}`, {
      cause: error,
    });
  } finally {
    await api.stop();
  }
}

export async function runBulk() {
  const sku = process.env.BULK_SKU ?? (await withPg((c) => c.query(OPEN_ORDERS_BY_PRODUCT), urlOf(template))).rows[0].sku;
  const contenders = [
    ...(process.env.BENCH_SERVER_DIST ? [['before', path.resolve(process.env.BENCH_SERVER_DIST)]] : []),
    ['after', path.join(ROOT, 'server/dist')],
  ];
  log(`bulk discontinuation of ${sku}, template ${template}, ${rounds} round(s) of ${contenders.map(([l]) => l).join(' / ')}`);
  const results = [];
  for (let r = 0; r < rounds; r += 1) {
    for (const [label, dist] of contenders) {
      const result = await oneRun(label, dist, sku);
      log(JSON.stringify(result));
      results.push({ round: r + 1, ...result });
    }
  }
  return { sku, template, results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await runBulk();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
