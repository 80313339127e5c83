// B3 load process: many graphql-ws subscribers (the graphql-transport-ws protocol over `ws`, spoken
// directly so each receipt is timestamped before any parsing) plus the HTTP request that causes the
// event. Driven over IPC by b3-fanout.js:
//   { cmd: 'connect', group, urls, count, authorization, department } → { ok, ms }
//   { cmd: 'fire', group, stepId, request: { url, headers, body } }    → latencies of this event
//   { cmd: 'close', group } / { cmd: 'exit' }
// Send, response and receipt times are all taken in this one process (performance.now()).
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const QUERY = `subscription Board($d: String!) { approvalBoardChanged(department: $d) {
  kind terminationId number oldStatus newStatus departments stepId taskId actorName at } }`;

const groups = new Map();

function openClient(group, index, url, authorization, department) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    let ready = false;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`subscriber ${index}: not ready within 60 s`));
    }, 60_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} })));
    ws.on('message', (data) => {
      const at = performance.now();
      const message = JSON.parse(data);
      switch (message.type) {
        case 'connection_ack':
          ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: QUERY, variables: { d: department } } }));
          // Answered after the subscription above was set up (messages of a socket are handled in order).
          ws.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } }));
          break;
        case 'next':
          if (message.id === 's') received(group, index, message.payload, at);
          break;
        case 'complete':
          if (message.id === 'q' && !ready) {
            ready = true;
            clearTimeout(timer);
            resolve(ws);
          } else if (message.id === 's') group.completed += 1;
          break;
        case 'error':
          group.errors += 1;
          if (!ready) {
            clearTimeout(timer);
            reject(new Error(`subscriber ${index}: ${JSON.stringify(message.payload).slice(0, 300)}`));
          }
          break;
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong' }));
          break;
        default:
          break;
      }
    });
    ws.on('close', (code, reason) => {
      group.closed += 1;
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`subscriber ${index}: closed ${code} ${String(reason)}`));
      }
    });
    ws.on('error', (error) => {
      if (!ready) {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

function received(group, index, payload, at) {
  const event = payload?.data?.approvalBoardChanged;
  const expect = group.expect;
  if (payload?.errors) group.errors += 1;
  if (!expect || !event || event.stepId !== expect.stepId || !Number.isNaN(expect.at[index])) return;
  expect.at[index] = at;
  // The event's own timestamp is taken where it is published (same machine, same wall clock; 1 ms resolution).
  expect.fromPublish[index] = performance.timeOrigin + at - Date.parse(event.at);
  expect.count += 1;
  if (expect.count === group.sockets.length) expect.done();
}

async function connect({ group: name, urls, count, authorization, department }) {
  const started = performance.now();
  const group = { sockets: [], expect: null, errors: 0, closed: 0, completed: 0 };
  groups.set(name, group);
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, (_, k) =>
        openClient(group, i + k, urls[(i + k) % urls.length], authorization, department),
      ),
    );
    group.sockets.push(...opened);
  }
  return { ok: true, count: group.sockets.length, ms: Math.round(performance.now() - started) };
}

async function fire({ group: name, stepId, request, timeoutMs = 10_000 }) {
  const group = groups.get(name);
  const n = group.sockets.length;
  let done;
  const allIn = new Promise((resolve) => (done = resolve));
  group.expect = { stepId, at: new Float64Array(n).fill(NaN), fromPublish: new Float64Array(n).fill(NaN), count: 0, done };
  const t0 = performance.now();
  let response = null;
  let ok = false;
  let error = null;
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
    });
    response = performance.now();
    const body = await res.text();
    ok = res.ok && !body.includes('"errors"') && (!request.expect || body.includes(request.expect));
    if (!ok) error = body.slice(0, 500);
  } catch (e) {
    error = String(e);
  }
  const timer = setTimeout(done, timeoutMs);
  await allIn;
  clearTimeout(timer);
  const { at, count, fromPublish: published } = group.expect;
  group.expect = null;
  const fromSend = [];
  const fromResponse = [];
  let first = Infinity;
  for (const t of at) if (!Number.isNaN(t)) first = Math.min(first, t);
  const spread = [];
  const fromPublish = [];
  at.forEach((t, i) => {
    if (Number.isNaN(t)) return;
    fromSend.push(round(t - t0));
    if (response !== null) fromResponse.push(round(t - response));
    spread.push(round(t - first));
    fromPublish.push(round(published[i]));
  });
  return {
    ok,
    error,
    n,
    delivered: count,
    httpMs: response === null ? null : round(response - t0),
    fromSend,
    fromResponse,
    fromPublish,
    spread,
  };
}

const round = (x) => Math.round(x * 100) / 100;

process.on('message', async (message) => {
  try {
    let result;
    if (message.cmd === 'connect') result = await connect(message);
    else if (message.cmd === 'fire') result = await fire(message);
    else if (message.cmd === 'close') {
      const group = groups.get(message.group);
      for (const ws of group?.sockets ?? []) ws.close();
      groups.delete(message.group);
      result = { ok: true };
    } else if (message.cmd === 'stats') {
      const group = groups.get(message.group);
      result = { errors: group.errors, closed: group.closed, completed: group.completed };
    } else if (message.cmd === 'exit') {
      process.exit(0);
    }
    process.send({ id: message.id, result });
  } catch (error) {
    process.send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
process.send({ ready: true });
