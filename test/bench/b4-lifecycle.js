// B4 — lifecycle throughput: concurrent partners each running submit → all approvals → customer
// acceptance on distinct orders for a fixed time, against one API instance (job worker on, as
// deployed by default). Then invariants are checked with SQL over the whole database.
//
// Knobs (environment):
// - B4_SECONDS: load duration per contender (a soak, e.g. 600), instead of the run's setting.
// - B4_HEAP=1 (implied by B4_SECONDS): the API runs with --expose-gc and an inspector; every
//   B4_HEAP_SAMPLE_SEC (30) s the harness forces a full collection there and reads the heap left,
//   so growth means retained memory, not garbage not yet collected. B4_HEAP_SNAPSHOTS=<dir> also
//   writes a heap snapshot at minute 2 and at the end, to diff what grew.
// - B4_BEFORE_DIST=<dir>: a previous build (a copy of server/dist) runs first as the contender,
//   on its own fresh orders, then ours; the rows compare the two side by side.
import fs from 'node:fs';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import WebSocket from 'ws';
import { BENCH_DIR, SERVER_DIST, freePort, log, round, rssMiB, sleep, startApi, withPg } from './lib/common.js';
import { freshOrders } from './lib/database.js';
import { lifecycleTokens, runLifecycleClients } from './lib/lifecycles.js';

/** Each a count of rows that break a rule; all must be 0. */
export const INVARIANTS = {
  'stock_level.reserved ≠ sum of ACTIVE reservations': `
    select count(*) from stock_level s
     where s.reserved <> (select coalesce(sum(r.quantity), 0) from reservation r
                           where r.warehouse_id = s.warehouse_id and r.product_id = s.product_id and r.status = 'ACTIVE')`,
  'negative stock reserved or on hand': `select count(*) from stock_level where reserved < 0 or on_hand < 0`,
  'orders with two running terminations': `
    select count(*) from (select order_id from termination where status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER')
                          group by order_id having count(*) > 1) x`,
  'EFFECTIVE/CLOSED terminations without exactly one settlement': `
    select count(*) from termination t where t.status in ('EFFECTIVE', 'CLOSED')
       and (select count(*) from settlement s where s.termination_id = t.id) <> 1`,
  'settlements of terminations that never took effect': `
    select count(*) from settlement s join termination t on t.id = s.termination_id where t.status not in ('EFFECTIVE', 'CLOSED')`,
  'running terminations whose order is not TERMINATION_PENDING': `
    select count(*) from termination t join sales_order o on o.id = t.order_id
     where t.status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER') and o.status <> 'TERMINATION_PENDING'`,
  'TERMINATION_PENDING orders without a running termination': `
    select count(*) from sales_order o where o.status = 'TERMINATION_PENDING'
       and not exists (select 1 from termination t where t.order_id = o.id and t.status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER'))`,
  'order lines terminated beyond their open quantity': `
    select count(*) from sales_order_line where terminated_quantity < 0 or terminated_quantity + shipped_quantity > quantity`,
  'purchase order lines cancelled beyond their open quantity': `
    select count(*) from purchase_order_line where cancelled_quantity < 0 or cancelled_quantity + received_quantity > quantity`,
  'EFFECTIVE terminations without an accepted confirmation although one was required': `
    select count(*) from termination t where t.status in ('EFFECTIVE', 'CLOSED') and t.customer_confirmation_required
       and not exists (select 1 from customer_confirmation c where c.termination_id = t.id and c.status = 'ACCEPTED')`,
};

export async function checkInvariants() {
  return withPg(async (c) => {
    const result = {};
    for (const [name, sql] of Object.entries(INVARIANTS)) result[name] = Number((await c.query(sql)).rows[0].count);
    return result;
  });
}

/** A Chrome DevTools Protocol session on the API's inspector: forced collections, heap figures, snapshots. */
async function inspect(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 0;
  const pending = new Map();
  let onChunk = null;
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw));
    if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') onChunk?.(msg.params.chunk);
    const settle = pending.get(msg.id);
    if (!settle) return;
    pending.delete(msg.id);
    settle(msg);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    /** Heap used after two full collections (--expose-gc), and RSS, in MiB. */
    async heapAfterGc() {
      const { result } = await send('Runtime.evaluate', {
        expression: 'globalThis.gc(); globalThis.gc(); process.memoryUsage()',
        returnByValue: true,
      });
      const m = result.value;
      return {
        heapUsedMiB: round(m.heapUsed / 2 ** 20, 1),
        externalMiB: round(m.external / 2 ** 20, 1),
        rssMiB: round(m.rss / 2 ** 20, 1),
      };
    },
    async snapshot(file) {
      const out = fs.createWriteStream(file);
      onChunk = (chunk) => out.write(chunk);
      await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      onChunk = null;
      await new Promise((resolve) => out.end(resolve));
    },
    close: () => ws.close(),
  };
}

/** One contender under the lifecycle load: its throughput, latencies, RSS and (when asked) heap samples. */
async function runContender(label, dist, { clients, durationSec, heap, sampleSec, snapshots }) {
  // The orders travel in the clients' argv, whose single argument is capped at 128 KiB: at most
  // ~6 500 numbers, enough for 10 lifecycles/s over a 10-minute soak.
  const orders = await freshOrders(Math.min(clients * durationSec * 3 + 200, 6500));
  log(
    `B4 ${label}: ${orders.length} fresh orders available; starting the API (RUN_WORKER=1) from ${path.relative(process.cwd(), dist) || dist}`,
  );
  const inspectorPort = heap ? await freePort() : null;
  const nodeArgs = heap ? ['--expose-gc', `--inspect=127.0.0.1:${inspectorPort}`] : [];
  const api = await startApi(`api-b4-${label}`, { RUN_WORKER: '1' }, { dist, nodeArgs });
  const session = heap ? await inspect(inspectorPort) : null;
  try {
    const tokens = await lifecycleTokens(api.url);
    const rssBefore = rssMiB(api.pid);
    const rssSamples = [];
    const sampler = setInterval(() => rssSamples.push(rssMiB(api.pid)), 5000);
    const heapSamples = [];
    let sampling = Promise.resolve();
    const t0 = Date.now();
    const sampleHeap = async () => {
      const at = round((Date.now() - t0) / 1000, 0);
      const sample = { at, ...(await session.heapAfterGc()) };
      heapSamples.push(sample);
      log(`B4 ${label}: at ${at} s heap after GC ${sample.heapUsedMiB} MiB (external ${sample.externalMiB}), RSS ${sample.rssMiB} MiB`);
      if (snapshots && at >= 120 && !heapSamples.some((s) => s.snapshot)) {
        sample.snapshot = path.join(snapshots, `b4-${label}-${at}s.heapsnapshot`);
        await session.snapshot(sample.snapshot);
      }
    };
    if (session) heapSamples.push({ at: 0, ...(await session.heapAfterGc()) });
    const heapTimer = session
      ? setInterval(() => (sampling = sampling.then(sampleHeap).catch((e) => log(`heap sample failed: ${e}`))), sampleSec * 1000)
      : null;
    log(`B4 ${label}: ${clients} clients × ${durationSec} s of submit → approvals → customer accept`);
    const res = await runLifecycleClients(api.url, tokens, { orders, clients, durationSec });
    clearInterval(sampler);
    if (heapTimer) clearInterval(heapTimer);
    await sampling;
    const rssAfter = rssMiB(api.pid);
    if (session) {
      // Once the load has stopped and the job queue drained: what stays.
      await sleep(5000);
      await sampleHeap();
      if (snapshots) await session.snapshot(path.join(snapshots, `b4-${label}-end.heapsnapshot`));
    }
    log(
      `B4 ${label}: ${res.completed} lifecycles in ${round(res.elapsedSec, 1)} s = ${round(res.lifecyclesPerSec, 2)}/s, ${res.errorCount} errors; RSS ${rssBefore} → ${rssAfter} MiB`,
    );
    for (const e of res.errors.slice(0, 5)) log(`  error: ${e}`);
    // The API's own account of what went wrong (its log lines, by request id), kept beside the results.
    if (res.errorCount) {
      const file = path.join(BENCH_DIR, 'results', `b4-${label}-api.log`);
      fs.writeFileSync(file, api.output());
      log(`  the API's log: ${path.relative(process.cwd(), file)}`);
    }
    return { label, dist, ...res, rssMiB: { before: rssBefore, after: rssAfter, samples: rssSamples }, heapSamples };
  } finally {
    session?.close();
    await api.stop();
  }
}

/** Heap after GC at minute 2 (the sample nearest 120 s) and at the end; growth in per cent. */
function heapGrowth(samples) {
  if (samples.length < 2) return null;
  const minute2 = samples.reduce((best, s) => (Math.abs(s.at - 120) < Math.abs(best.at - 120) ? s : best));
  const end = samples.at(-1);
  return {
    minute2: minute2.heapUsedMiB,
    end: end.heapUsedMiB,
    endAt: end.at,
    growthPct: round((end.heapUsedMiB / minute2.heapUsedMiB - 1) * 100, 1),
  };
}

export async function runB4({ clients, durationSec: configured }) {
  const durationSec = Number(process.env.B4_SECONDS ?? configured);
  const heap = Boolean(process.env.B4_SECONDS) || process.env.B4_HEAP === '1';
  const sampleSec = Number(process.env.B4_HEAP_SAMPLE_SEC ?? 30);
  const snapshots = process.env.B4_HEAP_SNAPSHOTS ?? null;
  if (snapshots) fs.mkdirSync(snapshots, { recursive: true });
  const beforeDist = process.env.B4_BEFORE_DIST ? path.resolve(process.env.B4_BEFORE_DIST) : null;
  const before = await checkInvariants();
  const broken = Object.entries(before).filter(([, n]) => n > 0);
  if (broken.length) log(`B4: invariants already broken before the run: ${JSON.stringify(Object.fromEntries(broken))}`);
  const settings = { clients, durationSec, heap, sampleSec, snapshots };
  const contender = beforeDist ? await runContender('before', beforeDist, settings) : null;
  const res = await runContender('ours', SERVER_DIST, settings);
  const after = await checkInvariants();
  const violations = Object.values(after).reduce((a, b) => a + b, 0);
  log(`B4: ${violations} invariant violations after the run`);
  const pm = res.perMutation;
  const vs = (ours, theirs, digits = 2) =>
    contender ? { peer: `${theirs}`, ratio: `${round(ours / theirs, digits)}×` } : { peer: '—', ratio: '—' };
  const p99s = (r) =>
    `${r.perMutation.submitTermination.p99} / ${r.perMutation.decideApproval.p99} / ${r.perMutation.respondToTermination.p99}`;
  const growth = heapGrowth(res.heapSamples);
  const theirGrowth = contender ? heapGrowth(contender.heapSamples) : null;
  const fmtGrowth = (g) => (g ? `${g.minute2} → ${g.end} (${g.growthPct >= 0 ? '+' : ''}${g.growthPct} %)` : '—');
  const rows = [
    {
      bench: 'B4',
      metric: `lifecycles/s (${clients} clients, ${durationSec} s, submit → ${round(pm.decideApproval.count / Math.max(1, res.completed), 1)} approvals → accept)`,
      ours: `${round(res.lifecyclesPerSec, 2)}`,
      ...vs(res.lifecyclesPerSec, round(contender?.lifecyclesPerSec, 2)),
      target: contender ? '≥ 2× before' : '(reported)',
      met: contender ? res.lifecyclesPerSec >= 2 * contender.lifecyclesPerSec : null,
    },
    {
      bench: 'B4',
      metric: 'p99 ms per mutation: submit / decideApproval / respondToTermination',
      ours: p99s(res),
      ...vs(pm.submitTermination.p99, contender?.perMutation.submitTermination.p99),
      ...(contender ? { peer: p99s(contender) } : {}),
      target: 'submit ≤ 500',
      met: pm.submitTermination.p99 <= 500,
    },
    {
      bench: 'B4',
      metric: 'errors / invariant violations after the run',
      ours: `${res.errorCount} / ${violations}`,
      peer: contender ? `${contender.errorCount} errors` : '—',
      ratio: '—',
      target: '0 / 0',
      met: res.errorCount === 0 && (contender?.errorCount ?? 0) === 0 && violations === 0,
    },
    {
      bench: 'B4',
      metric: 'API RSS MiB before → after',
      ours: `${res.rssMiB.before} → ${res.rssMiB.after}`,
      peer: contender ? `${contender.rssMiB.before} → ${contender.rssMiB.after}` : '—',
      ratio: '—',
      target: '(reported)',
      met: null,
    },
  ];
  if (growth) {
    rows.push({
      bench: 'B4',
      metric: `API heap MiB after forced GC, minute 2 → ${round(growth.endAt / 60, 1)} min`,
      ours: fmtGrowth(growth),
      peer: fmtGrowth(theirGrowth),
      ratio: '—',
      target: '≤ +10 %',
      met: growth.growthPct <= 10,
    });
  }
  return {
    name: 'B4 lifecycle throughput',
    config: { clients, durationSec, runWorker: true, heap, beforeDist },
    ...res,
    contender,
    invariantsBefore: before,
    invariantsAfter: after,
    rows,
  };
}
