// B3 — subscription fan-out: N graphql-ws subscribers of approvalBoardChanged(department: "SALES")
// in a load process per variant; an event caused by an HTTP request sent from that process;
// latency from sending the request to each subscriber's receipt. Variants, interleaved round by round:
//   baseline — bare graphql-ws server (no auth, no database), event published by POST /publish
//   ours     — one API instance, in-process pub/sub; the event comes from a real decideApproval
//   redis    — two API instances over Redis: every subscriber on the second, the mutation sent to
//              the first, so each event crosses Redis
//   before   — with a before contender (BENCH_BEFORE, lib/before.js): an older build of our API on its
//              own database, its events from a real decideApproval there, like ours
// "From publish" uses the event's own `at` (stamped by the server when it builds the event, just
// before commit; by the baseline when it publishes): no server code is instrumented.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BENCH_DIR,
  DATABASE_URL,
  REDIS_URL,
  freePort,
  log,
  login,
  median,
  percentile,
  ratioOf,
  round,
  rssMiB,
  sleep,
  spawnProcess,
  startApi,
  withPg,
} from './lib/common.js';
import { seedTerminations } from './lib/database.js';

const DEPARTMENT = 'SALES';
const HEAD = 'sales.head@example.com';
const WARMUP_FIRES = 5;

const DECIDE = `mutation Decide($input: DecideApprovalInput!) { decideApproval(input: $input) {
  __typename ... on DecideApprovalSuccess { step { status } } ... on ErrorResult { code message } } }`;

/** PENDING SALES steps of terminations with a later stage: approving one publishes exactly one SALES board event. */
async function pendingSalesSteps(limit, databaseUrl = DATABASE_URL) {
  return withPg(async (c) => {
    const { rows } = await c.query(
      `select s.id from approval_step s join termination t on t.id = s.termination_id
        where s.department = $1 and s.status = 'PENDING' and t.status = 'PENDING_APPROVAL'
          and exists (select 1 from approval_step later where later.termination_id = t.id and later.stage > s.stage)
          and not exists (select 1 from approval_step other where other.termination_id = t.id and other.stage = s.stage
                           and other.id <> s.id and other.status = 'PENDING')
        order by t.created_at desc, s.id limit $2`,
      [DEPARTMENT, limit],
    );
    return rows.map((r) => r.id);
  }, databaseUrl);
}

/** `needed` suitable steps on a database, topped up with that database's build's own seed function when short. */
async function stepsFor(needed, { databaseUrl = DATABASE_URL, dist, label = 'ours' } = {}) {
  let steps = await pendingSalesSteps(needed, databaseUrl);
  if (steps.length < needed) {
    log(`B3 ${label}: only ${steps.length} suitable pending SALES steps; adding 4000 terminations`);
    await seedTerminations(4000, dist ? { dist, databaseUrl } : { databaseUrl });
    steps = await pendingSalesSteps(needed, databaseUrl);
    if (steps.length < needed) throw new Error(`B3 ${label} needs ${needed} pending SALES steps, found ${steps.length}`);
  }
  return steps;
}

/** The load process and a request/response channel to it over IPC. */
async function startClientProcess() {
  const child = fork(path.join(BENCH_DIR, 'lib/fanout-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let next = 0;
  await new Promise((resolve, reject) => {
    child.once('message', (m) => (m.ready ? resolve() : reject(new Error('fan-out client did not start'))));
    child.once('exit', (code) => reject(new Error(`fan-out client exited ${code}`)));
  });
  child.on('message', (m) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  return {
    pid: child.pid,
    call: (message) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve, reject });
        child.send({ ...message, id });
      }),
    stop: async () => {
      child.send({ cmd: 'exit' });
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

function summarize(fires) {
  const fromSend = fires.flatMap((f) => f.fromSend);
  const fromResponse = fires.flatMap((f) => f.fromResponse);
  const fromPublish = fires.flatMap((f) => f.fromPublish);
  const spread = fires.flatMap((f) => f.spread);
  const expected = fires.reduce((n, f) => n + f.n, 0);
  const delivered = fires.reduce((n, f) => n + f.delivered, 0);
  return {
    events: fires.length,
    failedRequests: fires.filter((f) => !f.ok).length,
    delivered,
    expected,
    deliveredPct: expected ? round((delivered / expected) * 100, 3) : 0,
    fromSend: { p50: percentile(fromSend, 50), p99: percentile(fromSend, 99), max: fromSend.reduce((m, x) => Math.max(m, x), -Infinity) },
    fromResponse: { p50: percentile(fromResponse, 50), p99: percentile(fromResponse, 99) },
    fromPublish: { p50: percentile(fromPublish, 50), p99: percentile(fromPublish, 99) },
    fanoutSpread: { p50: percentile(spread, 50), p99: percentile(spread, 99) },
    httpMs: {
      p50: percentile(
        fires.map((f) => f.httpMs ?? NaN),
        50,
      ),
      p99: percentile(
        fires.map((f) => f.httpMs ?? NaN),
        99,
      ),
    },
  };
}

export async function runB3({ rounds, roundSec, clients, intervalMs, withRedis = true, before = null }) {
  const firesPerRound = Math.ceil((roundSec * 1000) / intervalMs);
  const variants = ['baseline', 'ours', withRedis && 'redis', before && 'before'].filter(Boolean);
  const perVariant = WARMUP_FIRES + rounds * firesPerRound;
  const steps = await stepsFor((withRedis ? 2 : 1) * perVariant + 20);
  const beforeSteps = before ? await stepsFor(perVariant + 20, { ...before, label: before.label }) : null;

  log(
    `B3: starting the bare graphql-ws baseline, one API instance${withRedis ? ', two API instances over Redis' : ''}${before ? `, ${before.label} on its own database` : ''}`,
  );
  const basePort = await freePort();
  const baseline = await spawnProcess('bare-ws', [path.join(BENCH_DIR, 'servers/bare-ws.js')], {
    env: { PORT: String(basePort) },
    readyLine: 'ready',
  });
  const ours = await startApi('api-b3');
  // Without the Redis pair (B3_CLIENTS=10000: the load process holds one socket per subscriber of every variant).
  const r1 = withRedis ? await startApi('api-b3-redis-1', { REDIS_URL }) : null;
  const r2 = withRedis ? await startApi('api-b3-redis-2', { REDIS_URL }) : null;
  const theirs = before ? await startApi('api-b3-before', { DATABASE_URL: before.databaseUrl }, { dist: before.dist }) : null;
  const servers = [baseline, ours, r1, r2, theirs].filter(Boolean);
  /** One load process per variant: each holds its subscribers' sockets (10 000 sockets apiece fit the open-file limit). */
  const loaders = {};
  const client = {
    call: (message) => loaders[message.group].call(message),
    pids: () => Object.values(loaders).map((l) => l.pid),
  };
  try {
    const token = await login(ours.url, HEAD);
    const beforeToken = theirs ? await login(theirs.url, HEAD) : null;
    const actorName = await withPg(async (c) => (await c.query('select name from app_user where email = $1', [HEAD])).rows[0].name);
    const rssNow = () => ({
      baseline: rssMiB(baseline.pid),
      ours: rssMiB(ours.pid),
      redis1: r1 && rssMiB(r1.pid),
      redis2: r2 && rssMiB(r2.pid),
      beforeBuild: theirs && rssMiB(theirs.pid),
    });
    const rss = { before: rssNow() };

    for (const v of variants) loaders[v] = await startClientProcess();
    const ws = (url) => `${url.replace(/^http/, 'ws')}/graphql`;
    const baseUrl = `http://127.0.0.1:${basePort}`;
    for (const [group, urls, authorization] of [
      ['baseline', [ws(baseUrl)], null],
      ['ours', [ws(ours.url)], `Bearer ${token}`],
      ['redis', r2 && [ws(r2.url)], `Bearer ${token}`],
      ['before', theirs && [ws(theirs.url)], `Bearer ${beforeToken}`],
    ].filter(([group]) => variants.includes(group))) {
      const res = await client.call({ cmd: 'connect', group, urls, count: clients, authorization, department: DEPARTMENT });
      log(`B3: ${res.count} subscribers on ${group} in ${res.ms} ms`);
    }
    await sleep(1000);
    rss.at1000 = { ...rssNow(), loadProcesses: client.pids().map(rssMiB) };
    log(
      `B3: RSS with ${clients} subscribers: ours ${rss.at1000.ours} MiB (before ${rss.before.ours}), baseline ${rss.at1000.baseline} MiB`,
    );

    let stepIndex = 0;
    let beforeStepIndex = 0;
    const fireOnce = (variant) => {
      if (variant === 'baseline') {
        const stepId = randomUUID();
        const event = {
          kind: 'approval.approved',
          terminationId: randomUUID(),
          number: 'TR-V-0001234',
          oldStatus: 'PENDING_APPROVAL',
          newStatus: 'PENDING_APPROVAL',
          departments: [DEPARTMENT],
          stepId,
          taskId: null,
          actorName,
          at: new Date().toISOString(),
        };
        return client.call({
          cmd: 'fire',
          group: 'baseline',
          stepId,
          request: { url: `${baseUrl}/publish`, headers: {}, body: JSON.stringify(event) },
        });
      }
      const isBefore = variant === 'before';
      const stepId = isBefore ? beforeSteps[beforeStepIndex++] : steps[stepIndex++];
      if (!stepId) throw new Error(`B3 ran out of pending SALES steps (${variant})`);
      const target = { ours, redis: r1, before: theirs }[variant];
      return client.call({
        cmd: 'fire',
        group: variant,
        stepId,
        request: {
          url: `${target.url}/graphql`,
          headers: { authorization: `Bearer ${isBefore ? beforeToken : token}` },
          body: JSON.stringify({ query: DECIDE, variables: { input: { stepId, decision: 'APPROVE', comment: 'bench' } } }),
          expect: 'DecideApprovalSuccess',
        },
      });
    };
    const runFor = async (variant, fires) => {
      const results = [];
      let nextAt = performance.now();
      for (let i = 0; i < fires; i++) {
        const wait = nextAt - performance.now();
        if (wait > 0) await sleep(wait);
        nextAt = performance.now() + intervalMs;
        const r = await fireOnce(variant);
        if (!r.ok) log(`B3 ${variant}: request failed: ${r.error}`);
        results.push(r);
      }
      return results;
    };

    for (const v of variants) {
      const warm = await runFor(v, WARMUP_FIRES);
      log(`B3: warm-up ${v}: delivered ${warm.reduce((n, f) => n + f.delivered, 0)}/${warm.reduce((n, f) => n + f.n, 0)}`);
    }
    const perRound = Object.fromEntries(variants.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        const s = summarize(await runFor(v, firesPerRound));
        perRound[v].push(s);
        log(
          `B3 round ${r + 1}/${rounds} ${v}: from send p50 ${s.fromSend.p50} p99 ${s.fromSend.p99} ms; from publish p50 ${s.fromPublish.p50} p99 ${s.fromPublish.p99} ms; spread p99 ${s.fanoutSpread.p99} ms; delivered ${s.deliveredPct} %; HTTP response p50 ${s.httpMs.p50} ms`,
        );
      }
    }
    rss.after = rssNow();
    const stats = Object.fromEntries(await Promise.all(variants.map(async (v) => [v, await client.call({ cmd: 'stats', group: v })])));

    const pick = (v, f) => perRound[v].map(f);
    const med = (v, f) => round(median(pick(v, f)), 2);
    const p99Send = ratioOf(
      pick('ours', (s) => s.fromSend.p99),
      pick('baseline', (s) => s.fromSend.p99),
    );
    const p99Pub = ratioOf(
      pick('ours', (s) => s.fromPublish.p99),
      pick('baseline', (s) => s.fromPublish.p99),
    );
    const spreadRatio = ratioOf(
      pick('ours', (s) => s.fanoutSpread.p99),
      pick('baseline', (s) => s.fanoutSpread.p99),
    );
    // What crossing Redis adds: from publish to receipt, two instances against one.
    const addedPerRound = (perRound.redis ?? []).map((x, i) => x.fromPublish.p50 - perRound.ours[i].fromPublish.p50);
    const addedMedian = round(median(addedPerRound), 2);
    const addedFromSend = round(median((perRound.redis ?? []).map((x, i) => x.fromSend.p50 - perRound.ours[i].fromSend.p50)), 2);
    const vsBefore = (f) => ratioOf(pick('ours', f), pick('before', f));
    const beforeRows = before
      ? [
          ['p99 ms from mutation sent to receipt', (s) => s.fromSend.p99],
          ['p99 ms from publish to receipt', (s) => s.fromPublish.p99],
          ['p99 ms fan-out spread', (s) => s.fanoutSpread.p99],
        ].map(([what, f]) => ({
          bench: 'B3',
          metric: `${what}, ${clients} subscribers: ours vs ${before.label} (its own database)`,
          ours: `${med('ours', f)}`,
          peer: `${med('before', f)}`,
          ratio: vsBefore(f),
          target: '≤ 1.0× (no regression)',
          met: vsBefore(f).ratio <= 1.0,
        }))
      : [];
    const delivered = (v) => {
      const d = perRound[v].reduce((n, s) => n + s.delivered, 0);
      const e = perRound[v].reduce((n, s) => n + s.expected, 0);
      return { delivered: d, expected: e, pct: round((d / e) * 100, 3) };
    };
    return {
      name: 'B3 subscription fan-out',
      config: { rounds, roundSec, clients, intervalMs, firesPerRound, department: DEPARTMENT },
      perRound,
      delivered: Object.fromEntries(variants.map((v) => [v, delivered(v)])),
      socketStats: stats,
      rssMiB: rss,
      redisAddedMedianMs: { fromPublish: addedMedian, fromSend: addedFromSend, perRound: addedPerRound.map((x) => round(x, 2)) },
      rows: [
        {
          bench: 'B3',
          metric: `p99 ms from mutation sent to receipt, ${clients} subscribers (ours includes decideApproval's DB work)`,
          ours: `${med('ours', (s) => s.fromSend.p99)}`,
          peer: `${med('baseline', (s) => s.fromSend.p99)}`,
          ratio: p99Send,
          target: '≤ 0.8×',
          met: p99Send.ratio <= 0.8,
        },
        {
          bench: 'B3',
          metric: 'p99 ms from publish (event stamped by the server) to receipt: the fan-out alone',
          ours: `${med('ours', (s) => s.fromPublish.p99)}`,
          peer: `${med('baseline', (s) => s.fromPublish.p99)}`,
          ratio: p99Pub,
          target: '(≤ 1.2× read as fan-out only)',
          met: p99Pub.ratio <= 1.2,
        },
        {
          bench: 'B3',
          metric: 'p50 ms of the HTTP response to the request that publishes',
          ours: `${med('ours', (s) => s.httpMs.p50)}`,
          peer: `${med('baseline', (s) => s.httpMs.p50)}`,
          ratio: '—',
          target: '(reported)',
          met: null,
        },
        {
          bench: 'B3',
          metric: 'p99 ms fan-out spread (first to last receipt of one event)',
          ours: `${med('ours', (s) => s.fanoutSpread.p99)}`,
          peer: `${med('baseline', (s) => s.fanoutSpread.p99)}`,
          ratio: spreadRatio,
          target: '—',
          met: null,
        },
        {
          bench: 'B3',
          metric: withRedis ? 'delivered (ours / Redis pair / baseline)' : 'delivered (ours / baseline)',
          ours: withRedis ? `${delivered('ours').pct} % / ${delivered('redis').pct} %` : `${delivered('ours').pct} %`,
          peer: `${delivered('baseline').pct} %`,
          ratio: '—',
          target: '100 %',
          met: delivered('ours').pct === 100 && (!withRedis || delivered('redis').pct === 100),
        },
        {
          bench: 'B3',
          metric: `server RSS MiB at ${clients} subscribers (before → with subscribers → after rounds)`,
          ours: `${rss.before.ours} → ${rss.at1000.ours} → ${rss.after.ours}`,
          peer: `${rss.before.baseline} → ${rss.at1000.baseline} → ${rss.after.baseline}`,
          ratio: { ratio: rss.at1000.ours / rss.at1000.baseline },
          target: '(reported)',
          met: null,
        },
        withRedis && {
          bench: 'B3',
          metric: 'two instances over Redis (subscribers on the other instance): median ms from publish, vs one instance',
          ours: `${med('redis', (s) => s.fromPublish.p50)}`,
          peer: `${med('ours', (s) => s.fromPublish.p50)}`,
          ratio: `${addedMedian >= 0 ? '+' : ''}${addedMedian} ms`,
          target: '≤ +5 ms',
          met: addedMedian <= 5,
        },
        ...beforeRows,
        before && {
          bench: 'B3',
          metric: `${before.label}: delivered; server RSS MiB (before → with subscribers → after rounds); p50 ms of the HTTP response`,
          ours: `${delivered('ours').pct} %; ${rss.before.ours} → ${rss.at1000.ours} → ${rss.after.ours}; ${med('ours', (s) => s.httpMs.p50)}`,
          peer: `${delivered('before').pct} %; ${rss.before.beforeBuild} → ${rss.at1000.beforeBuild} → ${rss.after.beforeBuild}; ${med('before', (s) => s.httpMs.p50)}`,
          ratio: '—',
          target: '100 %',
          met: delivered('before').pct === 100,
        },
      ].filter(Boolean),
    };
  } finally {
    await Promise.all(Object.values(loaders).map((l) => l.stop()));
    await Promise.all(servers.map((s) => s.stop()));
  }
}
