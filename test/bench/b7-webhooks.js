// B7 — webhook delivery under load: 20 endpoints subscribed to every event type while B4's
// lifecycle load runs against one API instance (its job worker delivers). Each receiver verifies
// the Standard Webhooks signature. Reported: lag from the event's timestamp (taken inside its
// transaction, so a little before the commit) to receipt, p50 / p99; deliveries per second; and
// how many (endpoint, event) pairs never arrived once the queue drained.
import fs from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { ROOT, gql, log, login, percentile, round, sleep, startApi, withPg } from './lib/common.js';
import { freshOrders } from './lib/database.js';
import { lifecycleTokens, runLifecycleClients } from './lib/lifecycles.js';

const ENDPOINTS = 20;

async function startReceiver(index, received) {
  let verifier = null;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const payload = verifier ? verifier.verify(body, req.headers) : JSON.parse(body);
        received.push({ endpoint: index, id: req.headers['webhook-id'], payload, at: Date.now(), verified: Boolean(verifier) });
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end('bad signature');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    setSecret: (secret) => (verifier = new Webhook(secret)),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Earlier runs' endpoints, deliveries and queued delivery jobs would queue ahead of this run's. */
async function clearWebhooks() {
  await withPg(async (c) => {
    // A freshly seeded database has no job queue yet (the API installs it when it starts).
    const { rows } = await c.query(`select to_regclass('graphile_worker._private_jobs') is not null as queue`);
    if (rows[0].queue)
      await c.query(
        `delete from graphile_worker._private_jobs j using graphile_worker._private_tasks t
        where t.id = j.task_id and t.identifier in ('webhook_deliver', 'webhooks_deliver_batch', 'webhooks_send', 'webhooks_dispatch')`,
      );
    await c.query('delete from webhook_delivery');
    await c.query('delete from webhook_endpoint');
  });
}

export async function runB7({ clients, durationSec }) {
  await clearWebhooks();
  const received = [];
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, (_, i) => startReceiver(i, received)));
  const api = await startApi('api-b7', { RUN_WORKER: '1', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  try {
    const admin = await login(api.url, 'admin@example.com');
    const endpointIds = [];
    // Every event type, from the committed SDL (production serves no introspection).
    const sdl = fs.readFileSync(path.join(ROOT, 'schema/schema.graphql'), 'utf8');
    const types = [...sdl.match(/enum EventType \{([^}]*)\}/)[1].matchAll(/^\s+([A-Z_]+)\s*$/gm)].map((m) => m[1]);
    for (const [i, receiver] of receivers.entries()) {
      const res = await gql(
        api.url,
        `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { __typename
          ... on CreateWebhookEndpointSuccess { secret endpoint { id } } ... on ErrorResult { code message } } }`,
        { i: { url: receiver.url, eventTypes: types, description: `B7 receiver ${i}` } },
        admin,
      );
      const created = res.createWebhookEndpoint;
      if (created?.__typename !== 'CreateWebhookEndpointSuccess') throw new Error(`B7: endpoint not created: ${JSON.stringify(res)}`);
      receiver.setSecret(created.secret);
      endpointIds.push(created.endpoint.id);
    }
    const since = await withPg(async (c) => (await c.query('select now() as t')).rows[0].t);
    const tokens = await lifecycleTokens(api.url);
    const orders = await freshOrders(clients * durationSec * 3 + 200);
    log(`B7: ${ENDPOINTS} endpoints on every event type; ${clients} clients × ${durationSec} s of lifecycles`);
    const load = await runLifecycleClients(api.url, tokens, { orders, clients, durationSec });
    const loadEnded = Date.now();
    const expected = await withPg(async (c) =>
      (await c.query('select id from audit_event where created_at >= $1', [since])).rows.map((r) => r.id),
    );
    const want = expected.length * ENDPOINTS;
    const expectedIds = new Set(expected);
    // Only this run's events count: a delivery of any other event must not end the wait early.
    const unique = () => new Set(received.filter((r) => expectedIds.has(r.payload.id)).map((r) => `${r.endpoint}:${r.payload.id}`)).size;
    // Let the queue drain (at most a minute after the load).
    while (unique() < want && Date.now() - loadEnded < 60_000) await sleep(250);
    const drainedSec = (Date.now() - loadEnded) / 1000;
    const onTime = received.filter((r) => expectedIds.has(r.payload.id));
    const lags = onTime.map((r) => r.at - Date.parse(r.payload.occurredAt));
    const first = Math.min(...onTime.map((r) => r.at));
    const last = Math.max(...onTime.map((r) => r.at));
    const lost = want - new Set(onTime.map((r) => `${r.endpoint}:${r.payload.id}`)).size;
    const duplicates = onTime.length - new Set(onTime.map((r) => `${r.endpoint}:${r.id}`)).size;
    const perSec = onTime.length / Math.max(1, (last - first) / 1000);
    const p50 = round(percentile(lags, 50), 0);
    const p99 = round(percentile(lags, 99), 0);
    // Where the lag is spent: from the event to its delivery row (the feed's horizon and the
    // dispatcher), and from the row to the receipt (the delivery jobs and HTTP).
    const dispatched = await withPg(
      async (c) =>
        (
          await c.query(
            `select d.endpoint_id, d.event_id, (extract(epoch from d.created_at) * 1000)::float8 as dispatched,
                  (extract(epoch from e.created_at) * 1000)::float8 as occurred
             from webhook_delivery d join audit_event e on e.id = d.event_id where e.created_at >= $1`,
            [since],
          )
        ).rows,
    );
    const rowOf = new Map(dispatched.map((r) => [`${r.endpoint_id}:${r.event_id}`, r]));
    const dispatchLags = dispatched.map((r) => r.dispatched - r.occurred);
    const sendLags = onTime.flatMap((r) => {
      const row = rowOf.get(`${endpointIds[r.endpoint]}:${r.payload.id}`);
      return row ? [r.at - row.dispatched] : [];
    });
    const split = {
      dispatch: { p50: round(percentile(dispatchLags, 50), 0), p99: round(percentile(dispatchLags, 99), 0) },
      send: { p50: round(percentile(sendLags, 50), 0), p99: round(percentile(sendLags, 99), 0) },
    };
    log(
      `B7: ${expected.length} events × ${ENDPOINTS} endpoints; ${onTime.length} deliveries (${duplicates} repeats), undelivered after the drain window ${lost}; lag p50 ${p50} ms, p99 ${p99} ms; ${round(perSec, 1)} deliveries/s; drained ${round(drainedSec, 1)} s after the load; ${round(load.lifecyclesPerSec, 2)} lifecycles/s; event → delivery row p50 ${split.dispatch.p50} / p99 ${split.dispatch.p99} ms, row → receipt p50 ${split.send.p50} / p99 ${split.send.p99} ms`,
    );
    return {
      name: 'B7 webhook delivery under lifecycle load',
      config: { endpoints: ENDPOINTS, clients, durationSec },
      events: expected.length,
      deliveries: onTime.length,
      repeats: duplicates,
      lost,
      lagMs: { p50, p99 },
      lagSplitMs: split,
      deliveriesPerSec: perSec,
      drainedSec,
      lifecyclesPerSec: load.lifecyclesPerSec,
      rows: [
        {
          bench: 'B7',
          metric: `webhook lag event → receipt p50 / p99 ms (${ENDPOINTS} endpoints × every event, ${clients} lifecycle clients)`,
          ours: `${p50} / ${p99}`,
          peer: '—',
          ratio: '—',
          target: 'p99 ≤ 1000',
          met: p99 <= 1000,
        },
        {
          bench: 'B7',
          metric: 'lag split p50 / p99 ms: event → delivery row (feed horizon + dispatch); row → receipt (jobs + HTTP)',
          ours: `${split.dispatch.p50} / ${split.dispatch.p99}; ${split.send.p50} / ${split.send.p99}`,
          peer: '—',
          ratio: '—',
          target: '(explains the lag)',
          met: null,
        },
        {
          bench: 'B7',
          metric: 'deliveries/s; (endpoint, event) pairs still undelivered 60 s after the load',
          ours: `${round(perSec, 1)}; ${lost}`,
          peer: '—',
          ratio: '—',
          target: '0',
          met: lost === 0,
        },
      ],
    };
  } finally {
    await api.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await clearWebhooks().catch(() => undefined);
  }
}
