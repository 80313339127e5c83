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
// - BENCH_BEFORE=<rev> (or BENCH_BEFORE_DIST + BENCH_BEFORE_DATABASE_URL, lib/before.js): an older
//   build runs as a contender on its own database. Both APIs stay up; after a warm-up each, the load
//   alternates between them round by round (B4_ROUNDS, 3, of the run's duration / rounds each), and
//   the rows give the ratio of the medians with the per-round spread.
import fs from 'node:fs';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import WebSocket from 'ws';
import {
  BENCH_DIR,
  DATABASE_URL,
  SERVER_DIST,
  freePort,
  log,
  median,
  percentile,
  ratioOf,
  round,
  rssMiB,
  sleep,
  startApi,
  withPg,
} from './lib/common.js';
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

/** Each invariant's count of broken rows; null for one the database's schema cannot answer (an older build's). */
export async function checkInvariants(databaseUrl = DATABASE_URL) {
  return withPg(async (c) => {
    const result = {};
    for (const [name, sql] of Object.entries(INVARIANTS)) {
      try {
        result[name] = Number((await c.query(sql)).rows[0].count);
      } catch (error) {
        if (databaseUrl === DATABASE_URL) throw error;
        log(`B4: invariant "${name}" not checked on the before database: ${error instanceof Error ? error.message : error}`);
        result[name] = null;
      }
    }
    return result;
  }, databaseUrl);
}

const violationsOf = (invariants) => Object.values(invariants).reduce((a, b) => a + (b ?? 0), 0);

/** The API's own account of what went wrong (its log lines, by request id), kept beside the results. */
function keepApiLog(label, api) {
  const file = path.join(BENCH_DIR, 'results', `b4-${label.replace(/\W+/g, '-')}-api.log`);
  fs.writeFileSync(file, api.output());
  log(`  the API's log: ${path.relative(process.cwd(), file)}`);
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
    if (res.errorCount) keepApiLog(label, api);
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

/** Latency percentiles per mutation over every round's samples together. */
function pooledPerMutation(rounds) {
  const names = Object.keys(rounds[0].perMutation);
  return Object.fromEntries(
    names.map((name) => {
      const all = rounds.flatMap((r) => r.perMutation[name].samples ?? []);
      return [name, { count: all.length, p50: percentile(all, 50), p99: percentile(all, 99), max: percentile(all, 100) }];
    }),
  );
}

/**
 * Ours against an older build (`before`), each API on its own database and kept up throughout:
 * a warm-up each, then rounds alternating before, ours, before, ours … of `roundSec` each.
 */
async function runSideBySide(before, { clients, rounds, roundSec, warmupSec }) {
  const contenders = [
    { label: before.label, dist: before.dist, databaseUrl: before.databaseUrl },
    { label: 'ours', dist: SERVER_DIST, databaseUrl: DATABASE_URL },
  ];
  try {
    for (const c of contenders) {
      // The orders travel in the clients' argv (one argument ≤ 128 KiB: at most ~6 500 numbers).
      c.orders = await freshOrders(Math.min(clients * (warmupSec + rounds * roundSec) * 3 + 200, 6500), c.databaseUrl);
      c.invariantsBefore = await checkInvariants(c.databaseUrl);
      log(`B4 ${c.label}: ${c.orders.length} fresh orders; starting the API (RUN_WORKER=1) from ${c.dist}`);
      c.api = await startApi(`api-b4-${c.label.replace(/\W+/g, '-')}`, { RUN_WORKER: '1', DATABASE_URL: c.databaseUrl }, { dist: c.dist });
      c.tokens = await lifecycleTokens(c.api.url);
      c.rounds = [];
    }
    const load = async (c, durationSec) => {
      const res = await runLifecycleClients(c.api.url, c.tokens, {
        orders: c.orders,
        clients,
        durationSec,
        databaseUrl: c.databaseUrl,
        samples: true,
      });
      c.orders = c.orders.slice(res.started);
      return res;
    };
    for (const c of contenders) {
      const warm = await load(c, warmupSec);
      log(`B4 warm-up ${c.label}: ${warm.completed} lifecycles, ${warm.errorCount} errors`);
      c.rssBefore = rssMiB(c.api.pid);
    }
    for (let r = 0; r < rounds; r++) {
      for (const c of contenders) {
        // The other API's jobs of its last round finish before this one's load starts.
        await sleep(2000);
        const res = await load(c, roundSec);
        c.rounds.push(res);
        log(
          `B4 round ${r + 1}/${rounds} ${c.label}: ${res.completed} lifecycles in ${round(res.elapsedSec, 1)} s = ${round(res.lifecyclesPerSec, 2)}/s, ${res.errorCount} errors; p99 submit ${res.perMutation.submitTermination.p99} ms`,
        );
        for (const e of res.errors.slice(0, 3)) log(`  error: ${e}`);
      }
    }
    for (const c of contenders) {
      c.rssAfter = rssMiB(c.api.pid);
      c.errorCount = c.rounds.reduce((n, x) => n + x.errorCount, 0);
      if (c.errorCount) keepApiLog(c.label, c.api);
    }
  } finally {
    await Promise.all(contenders.filter((c) => c.api).map((c) => c.api.stop()));
  }
  for (const c of contenders) c.invariantsAfter = await checkInvariants(c.databaseUrl);
  const [theirs, ours] = contenders;
  const perRound = (c) => c.rounds.map((x) => x.lifecyclesPerSec);
  const summary = (c) => ({
    label: c.label,
    dist: c.dist,
    database: new URL(c.databaseUrl).pathname.slice(1),
    lifecyclesPerSec: round(median(perRound(c)), 2),
    rounds: c.rounds.map((x) => ({
      completed: x.completed,
      errors: x.errorCount,
      elapsedSec: round(x.elapsedSec, 1),
      lifecyclesPerSec: round(x.lifecyclesPerSec, 2),
      p99: Object.fromEntries(Object.entries(x.perMutation).map(([k, v]) => [k, v.p99])),
    })),
    completed: c.rounds.reduce((n, x) => n + x.completed, 0),
    errorCount: c.errorCount,
    errors: c.rounds.flatMap((x) => x.errors).slice(0, 20),
    perMutation: pooledPerMutation(c.rounds),
    approvalsPerLifecycle: round(
      c.rounds.reduce((n, x) => n + x.perMutation.decideApproval.count, 0) /
        Math.max(
          1,
          c.rounds.reduce((n, x) => n + x.completed, 0),
        ),
      1,
    ),
    rssMiB: { before: c.rssBefore, after: c.rssAfter },
    invariantsBefore: c.invariantsBefore,
    invariantsAfter: c.invariantsAfter,
    violations: violationsOf(c.invariantsAfter),
  });
  return { ours: summary(ours), before: summary(theirs), ratio: ratioOf(perRound(ours), perRound(theirs)) };
}

function sideBySideRows({ ours, before, ratio }, { clients, rounds, roundSec }) {
  const p99s = (s) =>
    `${s.perMutation.submitTermination.p99} / ${s.perMutation.decideApproval.p99} / ${s.perMutation.respondToTermination.p99}`;
  return [
    {
      bench: 'B4',
      metric: `lifecycles/s ours vs ${before.label} (${clients} clients, ${rounds} × ${roundSec} s each, submit → ${ours.approvalsPerLifecycle} approvals → accept; own databases)`,
      ours: `${ours.lifecyclesPerSec}`,
      peer: `${before.lifecyclesPerSec}`,
      ratio,
      target: '≥ 2× before',
      met: ratio.ratio >= 2,
    },
    {
      bench: 'B4',
      metric: `p99 ms per mutation over the rounds: submit / decideApproval / respondToTermination, ours vs ${before.label}`,
      ours: p99s(ours),
      peer: p99s(before),
      ratio: `${round(ours.perMutation.submitTermination.p99 / before.perMutation.submitTermination.p99, 2)}× (submit)`,
      target: 'submit ≤ 500',
      met: ours.perMutation.submitTermination.p99 <= 500,
    },
    {
      bench: 'B4',
      metric: 'errors / invariant violations after the run (each on its own database)',
      ours: `${ours.errorCount} / ${ours.violations}`,
      peer: `${before.errorCount} / ${before.violations}`,
      ratio: '—',
      target: '0 / 0',
      met: ours.errorCount === 0 && ours.violations === 0 && before.errorCount === 0,
    },
    {
      bench: 'B4',
      metric: 'API RSS MiB after warm-up → after the rounds',
      ours: `${ours.rssMiB.before} → ${ours.rssMiB.after}`,
      peer: `${before.rssMiB.before} → ${before.rssMiB.after}`,
      ratio: '—',
      target: '(reported)',
      met: null,
    },
  ];
}

export async function runB4({ clients, durationSec: configured, rounds: configuredRounds, warmupSec, before = null }) {
  const durationSec = Number(process.env.B4_SECONDS ?? configured);
  const heap = Boolean(process.env.B4_SECONDS) || process.env.B4_HEAP === '1';
  if (before) {
    if (heap) throw new Error('B4_SECONDS / B4_HEAP measure one build over one long run: run them without a before contender');
    const rounds = Number(process.env.B4_ROUNDS ?? configuredRounds);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`B4_ROUNDS must be a positive whole number, got ${process.env.B4_ROUNDS}`);
    const roundSec = Math.max(5, Math.round(durationSec / rounds));
    const settings = { clients, rounds, roundSec, warmupSec };
    const result = await runSideBySide(before, settings);
    log(
      `B4: ours ${result.ours.lifecyclesPerSec}/s vs ${before.label} ${result.before.lifecyclesPerSec}/s = ${round(result.ratio.ratio, 2)}× (rounds ${round(result.ratio.min, 2)}–${round(result.ratio.max, 2)}); invariant violations ours ${result.ours.violations}, before ${result.before.violations}`,
    );
    return {
      name: 'B4 lifecycle throughput',
      config: { ...settings, runWorker: true, before: { label: before.label, rev: before.rev, dist: before.dist } },
      ...result,
      rows: sideBySideRows(result, settings),
    };
  }
  const sampleSec = Number(process.env.B4_HEAP_SAMPLE_SEC ?? 30);
  const snapshots = process.env.B4_HEAP_SNAPSHOTS ?? null;
  if (snapshots) fs.mkdirSync(snapshots, { recursive: true });
  const invariantsBefore = await checkInvariants();
  const broken = Object.entries(invariantsBefore).filter(([, n]) => n > 0);
  if (broken.length) log(`B4: invariants already broken before the run: ${JSON.stringify(Object.fromEntries(broken))}`);
  const res = await runContender('ours', SERVER_DIST, { clients, durationSec, heap, sampleSec, snapshots });
  const after = await checkInvariants();
  const violations = violationsOf(after);
  log(`B4: ${violations} invariant violations after the run`);
  const pm = res.perMutation;
  const growth = heapGrowth(res.heapSamples);
  const rows = [
    {
      bench: 'B4',
      metric: `lifecycles/s (${clients} clients, ${durationSec} s, submit → ${round(pm.decideApproval.count / Math.max(1, res.completed), 1)} approvals → accept)`,
      ours: `${round(res.lifecyclesPerSec, 2)}`,
      peer: '—',
      ratio: '—',
      target: '(reported; ≥ 2× before with BENCH_BEFORE)',
      met: null,
    },
    {
      bench: 'B4',
      metric: 'p99 ms per mutation: submit / decideApproval / respondToTermination',
      ours: `${pm.submitTermination.p99} / ${pm.decideApproval.p99} / ${pm.respondToTermination.p99}`,
      peer: '—',
      ratio: '—',
      target: 'submit ≤ 500',
      met: pm.submitTermination.p99 <= 500,
    },
    {
      bench: 'B4',
      metric: 'errors / invariant violations after the run',
      ours: `${res.errorCount} / ${violations}`,
      peer: '—',
      ratio: '—',
      target: '0 / 0',
      met: res.errorCount === 0 && violations === 0,
    },
    {
      bench: 'B4',
      metric: 'API RSS MiB before → after',
      ours: `${res.rssMiB.before} → ${res.rssMiB.after}`,
      peer: '—',
      ratio: '—',
      target: '(reported)',
      met: null,
    },
  ];
  if (growth) {
    rows.push({
      bench: 'B4',
      metric: `API heap MiB after forced GC, minute 2 → ${round(growth.endAt / 60, 1)} min`,
      ours: `${growth.minute2} → ${growth.end} (${growth.growthPct >= 0 ? '+' : ''}${growth.growthPct} %)`,
      peer: '—',
      ratio: '—',
      target: '≤ +10 %',
      met: growth.growthPct <= 10,
    });
  }
  return {
    name: 'B4 lifecycle throughput',
    config: { clients, durationSec, runWorker: true, heap },
    ...res,
    invariantsBefore,
    invariantsAfter: after,
    rows,
  };
}
