// Shared helpers of the benchmark harness: processes, ports, statistics, GraphQL over HTTP.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export { sleep };

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH_DIR, '../..');
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ot_bench';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PASSWORD = 'demo1234';
/** The compiled server measured: server/dist, or a prototype build elsewhere (BENCH_SERVER_DIST). */
export const SERVER_DIST = path.resolve(process.env.BENCH_SERVER_DIST ?? path.join(ROOT, 'server/dist'));
/** Rate limits out of the way: a benchmark measures throughput, not the limiter's refusals. */
/** Production needs the key that seals webhook secrets; the benchmark's is fixed. */
export const BENCH_SECRETS_KEY = 'YmVuY2htYXJrLW9ubHktc2VjcmV0cy1rZXktMzJieXQ=';
export const NO_LIMITS = {
  RATE_LIMIT_API_KEY: '100000000',
  RATE_LIMIT_LOGIN_PER_IP: '100000000',
  RATE_LIMIT_PUBLIC_PER_IP: '100000000',
};

export function log(message) {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU ms used so far by each PostgreSQL backend connected to the benchmark database, by pid. */
export async function dbBackendCpu(client) {
  const { rows } = await client.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid) ?? 0]));
}

/** CPU the benchmark database's backends used between two dbBackendCpu snapshots. */
export function dbCpuDelta(before, after) {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

const children = new Set();
function killAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Starts a Node process and waits until `ready` says so (an HTTP URL answering 2xx, or a line on
 * stdout). Returns a handle that stops it (SIGTERM, then SIGKILL after 10 s).
 */
export async function spawnProcess(name, args, { env = {}, readyUrl, readyLine, timeoutMs = 90_000, ipc = false } = {}) {
  let output = '';
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let sawLine = false;
  child.stdout.on('data', (d) => {
    output += d;
    if (readyLine && output.includes(readyLine)) sawLine = true;
  });
  child.stderr.on('data', (d) => (output += d));
  const handle = {
    name,
    child,
    pid: child.pid,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          children.delete(child);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited early (${child.exitCode}):\n${output.slice(-4000)}`);
    if (readyLine && sawLine) break;
    if (readyUrl) {
      try {
        if ((await fetch(readyUrl)).ok) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${name} not ready within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    }
    await sleep(150);
  }
  return handle;
}

/** Our API, compiled (server/dist, or `dist`: e.g. a previous build as a contender), as its own process. */
export async function startApi(name, env = {}, { dist = SERVER_DIST, nodeArgs: extraArgs = [] } = {}) {
  const port = await freePort();
  // BENCH_API_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the API processes.
  const nodeArgs = [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), ...extraArgs];
  const handle = await spawnProcess(name, [...nodeArgs, path.join(path.resolve(dist), 'main.js'), 'start'], {
    env: {
      NODE_ENV: 'production',
      // The benchmark's customer mail stays in the database (no SMTP relay to measure).
      DEV_MAILBOX: '1',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL,
      SEED_DEMO: '0',
      RUN_WORKER: '0',
      REDIS_URL: '',
      SECRETS_KEY: BENCH_SECRETS_KEY,
      ...NO_LIMITS,
      ...env,
    },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  return { ...handle, url: `http://127.0.0.1:${port}`, port };
}

export async function gql(url, query, variables = {}, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 1000)}`);
  return body.data;
}

export async function login(url, email) {
  const data = await gql(
    url,
    `mutation($e:String!,$p:String!){ login(email:$e,password:$p){ __typename ... on LoginSuccess { token } } }`,
    { e: email, p: PASSWORD },
  );
  if (!data.login.token) throw new Error(`login failed for ${email}: ${JSON.stringify(data)}`);
  return data.login.token;
}

export async function withPg(fn, url = DATABASE_URL) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// --- statistics -----------------------------------------------------------------------------

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (value, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);

/**
 * A pair compared over interleaved rounds: ratio of the medians, and the min–max of the per-round
 * ratios (rounds are paired A_i with B_i, run back to back).
 */
export function ratioOf(a, b) {
  const perRound = a.map((value, i) => value / b[i]);
  return { ratio: median(a) / median(b), min: Math.min(...perRound), max: Math.max(...perRound) };
}

/** Runs `fn(child)` for a child process that prints one JSON line at the end (its result). */
export async function runJsonChild(name, script, config, { env = {}, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const child = spawn(process.execPath, [script, JSON.stringify(config)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      const last = out.trim().split('\n').at(-1);
      if (code !== 0) return reject(new Error(`${name} failed (${code}):\n${err.slice(-3000)}${out.slice(-2000)}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${name} printed no JSON result:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
      }
    });
  });
}
