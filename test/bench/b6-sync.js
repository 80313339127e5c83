// B6 — ERP sync throughput: sales orders with lines, purchase orders and reservations through
// `syncRecords` in calls of 500 records from a separate process with an ERP_SYNC key, against the
// limit: the same kind of rows written by bare INSERT … ON CONFLICT statements in batches of 500
// on the same database (lib/sync-load.js). Interleaved rounds (ours, limit, ours, limit, …);
// orders/s per contender, ratio of the medians, and the API's RSS sampled every second.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_DIR,
  DATABASE_URL,
  gql,
  log,
  login,
  median,
  ratioOf,
  round,
  rssMiB,
  runJsonChild,
  sleep,
  startApi,
  withPg,
} from './lib/common.js';
import { masterRecords, ORDERS_PER_BATCH } from './lib/sync-records.js';

const LOAD = path.join(BENCH_DIR, 'lib/sync-load.js');
const HEAP_PROBE = path.join(BENCH_DIR, 'lib/heap-probe.js');
/** Every B6 run writes under a source of this prefix; earlier runs' rows are removed first and after. */
const SOURCE_PREFIX = 'B6-';

/** Removes the rows of B6 runs (children before parents); the benchmark database stays as seeded. */
async function removeB6Rows() {
  await withPg(async (c) => {
    const like = `${SOURCE_PREFIX}%`;
    for (const table of [
      'reservation',
      'purchase_order_line',
      'purchase_order',
      'sales_order_line',
      'sales_order',
      'stock_level',
      'contract',
      'customer',
      'product',
      'supplier',
      'warehouse',
    ]) {
      await c.query(`delete from ${table} where source like $1`, [like]);
    }
  });
}

export async function runB6({ orders, rounds }) {
  const batchesPerRound = Math.max(1, Math.ceil(orders / ORDERS_PER_BATCH / rounds));
  const run = Date.now().toString(36).toUpperCase();
  const source = `${SOURCE_PREFIX}${run}`;
  await removeB6Rows();
  // The live heap after a full collection, asked for after each round (lib/heap-probe.js).
  const heapFile = path.join(os.tmpdir(), `b6-heap-${run}.txt`);
  const api = await startApi('api-b6', {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import ${HEAP_PROBE}`.trim(),
    HEAP_PROBE_FILE: heapFile,
  });
  const liveHeap = async () => {
    const before = fs.existsSync(heapFile) ? fs.readFileSync(heapFile, 'utf8').trim().split('\n').length : 0;
    process.kill(api.pid, 'SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      const lines = fs.existsSync(heapFile) ? fs.readFileSync(heapFile, 'utf8').trim().split('\n') : [];
      if (lines.length > before) return Number(lines.at(-1));
    }
    return null;
  };
  const rss = [];
  let sampling = true;
  try {
    const admin = await login(api.url, 'admin@example.com');
    const key = await gql(
      api.url,
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename ... on CreateApiKeySuccess { secret } ... on ErrorResult { code message } } }`,
      { i: { name: `B6 ${run}`, scopes: ['ERP_SYNC'] } },
      admin,
    );
    const token = key.createApiKey.secret;
    if (!token) throw new Error(`B6: no API key: ${JSON.stringify(key)}`);
    const master = await gql(
      api.url,
      `mutation($input: SyncRecordsInput!) { syncRecords(input: $input) { __typename ... on SyncRecordsSuccess { created rejected } } }`,
      { input: { source, ...masterRecords(`B6${run}`) } },
      token,
    );
    if (master.syncRecords.created !== 6) throw new Error(`B6: master records not created: ${JSON.stringify(master)}`);

    const load = (mode, prefix, from, batches) =>
      runJsonChild(`B6 ${mode}`, LOAD, { mode, url: api.url, token, source, prefix, from, batches, databaseUrl: DATABASE_URL });
    // Warm-up: the API's code paths and plans, and the limit's, before anything is measured.
    await load('api', `B6${run}A`, 0, 2);
    await load('limit', `B6${run}L`, 0, 2);

    (async () => {
      while (sampling) {
        rss.push({ at: Date.now(), mib: rssMiB(api.pid) });
        await sleep(1000);
      }
    })();
    log(`B6: ${rounds} rounds × ${batchesPerRound} calls of 500 records (${batchesPerRound * ORDERS_PER_BATCH} orders) per contender`);
    const ours = [];
    const limit = [];
    const rssAfterRound = [];
    const heapAfterRound = [];
    const heapBefore = await liveHeap();
    for (let r = 0; r < rounds; r++) {
      const from = 2 + r * batchesPerRound;
      const a = await load('api', `B6${run}A`, from, batchesPerRound);
      if (a.rejected) throw new Error(`B6: ${a.rejected} records rejected`);
      rssAfterRound.push(rssMiB(api.pid));
      heapAfterRound.push(await liveHeap());
      const b = await load('limit', `B6${run}L`, from, batchesPerRound);
      ours.push(a.orders / a.seconds);
      limit.push(b.orders / b.seconds);
      log(
        `B6 round ${r + 1}: ours ${round(a.orders / a.seconds, 1)} orders/s (p50 ${round(median(a.batchMs), 0)} ms per call), ` +
          `limit ${round(b.orders / b.seconds, 1)} orders/s (p50 ${round(median(b.batchMs), 0)} ms per batch); API RSS ${rssAfterRound.at(-1)} MiB, ` +
          `live heap ${heapAfterRound.at(-1)} MiB`,
      );
    }
    sampling = false;

    // Everything sent is stored: both contenders' orders, lines, POs and reservations.
    const written = await withPg(async (c) => {
      const { rows } = await c.query(
        `select (select count(*) from sales_order where source = $1 and number like $2)::int as ours,
                (select count(*) from sales_order where source = $1 and number like $3)::int as limit,
                (select count(*) from sales_order_line where source = $1)::int as lines,
                (select count(*) from purchase_order_line where source = $1)::int as po_lines,
                (select count(*) from reservation where source = $1)::int as reservations`,
        [source, `B6${run}A-%`, `B6${run}L-%`],
      );
      return rows[0];
    });
    const perContender = (2 + rounds * batchesPerRound) * ORDERS_PER_BATCH;
    const expected = {
      ours: perContender,
      limit: perContender,
      lines: 4 * perContender,
      po_lines: 2 * perContender,
      reservations: perContender,
    };
    if (JSON.stringify(written) !== JSON.stringify(expected)) {
      throw new Error(`B6: stored rows ${JSON.stringify(written)}, expected ${JSON.stringify(expected)}`);
    }

    const ratio = ratioOf(ours, limit);
    const samples = rss.map((s) => s.mib).filter((v) => v !== null);
    const rssStart = samples[0];
    const rssPeak = Math.max(...samples);
    const rssEnd = samples.at(-1);
    const measuredOrders = rounds * batchesPerRound * ORDERS_PER_BATCH;
    log(
      `B6: ours ${round(median(ours), 1)} orders/s vs limit ${round(median(limit), 1)} orders/s = ${round(ratio.ratio, 2)}× ` +
        `(rounds ${round(ratio.min, 2)}–${round(ratio.max, 2)}); API RSS ${rssStart} → peak ${rssPeak} → ${rssEnd} MiB; after each round ${rssAfterRound.join(', ')}; ` +
        `live heap ${heapBefore} before, after each round ${heapAfterRound.join(', ')} MiB`,
    );
    return {
      name: 'B6 ERP sync throughput',
      config: { orders: measuredOrders, rounds, batchesPerRound, recordsPerCall: 500, ordersPerCall: ORDERS_PER_BATCH },
      oursOrdersPerSec: ours,
      limitOrdersPerSec: limit,
      ratio,
      rss: { samples: rss, afterRound: rssAfterRound, start: rssStart, peak: rssPeak, end: rssEnd },
      liveHeap: { before: heapBefore, afterRound: heapAfterRound },
      rows: [
        {
          bench: 'B6',
          metric: `orders/s through syncRecords (500 records a call: 250 orders × 2 lines, 125 shared POs, 125 reservations; ${measuredOrders} orders per contender) vs bare INSERT … ON CONFLICT`,
          ours: round(median(ours), 1),
          peer: round(median(limit), 1),
          ratio,
          target: '≥ 0.5×',
          met: ratio.ratio >= 0.5,
        },
        {
          bench: 'B6',
          metric: 'API RSS MiB during the sync rounds: first sample → peak → last; after each round',
          ours: `${rssStart} → ${rssPeak} → ${rssEnd}; ${rssAfterRound.join(' / ')}`,
          peer: '—',
          ratio: '—',
          target: 'flat',
          // Flat: the last round ends within 15 % of where the first ended.
          met: rssAfterRound.at(-1) <= rssAfterRound[0] * 1.15,
        },
        {
          bench: 'B6',
          metric: 'API live heap MiB after a full GC (what is kept across calls): before the rounds; after each round',
          ours: `${heapBefore}; ${heapAfterRound.join(' / ')}`,
          peer: '—',
          ratio: '—',
          target: 'flat',
          // Flat: the last round ends within 10 % of where the first ended.
          met: heapAfterRound.at(-1) <= heapAfterRound[0] * 1.1,
        },
      ],
    };
  } finally {
    sampling = false;
    await api.stop();
    fs.rmSync(heapFile, { force: true });
    await removeB6Rows();
  }
}
