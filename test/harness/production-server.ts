import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../server/src/app/database.js';
import { cloneTemplateDatabase } from './database.js';
import { httpClient, startTestServer, TEST_SECRETS_KEY, type TestServer } from './server.js';
import { ensureServerBuilt } from './process.js';
import { startSmtpServer, type ReceivedMail } from './smtp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = path.join(root, 'server/dist/main.js');

/**
 * What a test needs from a running API, whichever way it runs: in-process (development/test
 * mode, `startTestServer`) or as the operators' production process (`startProductionServer`).
 */
export interface ApiServer extends Pick<TestServer, 'url' | 'gql' | 'login' | 'sql' | 'databaseUrl' | 'close'> {
  mode: Mode;
  /** Cuts the server's connections to PostgreSQL (open and new ones), as an outage would. */
  databaseOutage(): Promise<void>;
  restoreDatabase(): Promise<void>;
}

export interface ProductionServer extends ApiServer {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr (JSON log lines). */
  output(): string;
  /** Mail the server delivered to the test SMTP server (RUN_WORKER=1 only: the worker sends it). */
  mail: ReceivedMail[];
}

export interface ProductionServerOptions {
  /** Extra environment (e.g. lower rate limits). NODE_ENV stays production. */
  env?: Record<string, string>;
}

/**
 * Runs the server exactly as operators do: the compiled `node server/dist/main.js start` as a
 * child process with NODE_ENV=production, an external PostgreSQL (a fresh database cloned from
 * this run's seeded template), a real SMTP server, and a port of its own. The database is
 * reached through a TCP relay in this process so that tests can cut it (an outage) without
 * disturbing any other test file. RUN_WORKER defaults to 0: the suites that use this compare
 * business tables before and after each request, and scheduled jobs would change them in
 * between; pass RUN_WORKER=1 in `env` to run the worker inside the API process.
 */
export async function startProductionServer(options: ProductionServerOptions = {}): Promise<ProductionServer> {
  ensureServerBuilt();
  const { databaseUrl, relayedUrl, relay, drop } = await relayedDatabase();
  const smtp = await startSmtpServer();
  const port = await freePort();

  let log = '';
  const child = spawn(process.execPath, [MAIN_JS, 'start'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      RUN_WORKER: '0',
      SECRETS_KEY: TEST_SECRETS_KEY,
      ...options.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: relayedUrl,
      SMTP_URL: smtp.url,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  // pool.end() resolves before its sockets close; a database dropped right after terminates them,
  // and the pool re-emits that as an 'error' event that nobody waits for any more.
  pool.on('error', () => undefined);
  const cleanUp = async () => {
    await pool.end().catch(() => undefined);
    await smtp.close();
    await drop();
  };

  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine the compiled server (more so with the tracing hook) can take over a minute.
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) {
      await cleanUp();
      throw new Error(`the production server exited early (code ${child.exitCode}):\n${log}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await cleanUp();
      throw new Error(`the production server was not ready within 150 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    ...httpClient(url),
    mode: 'production',
    databaseUrl,
    child,
    mail: smtp.received,
    output: () => log,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    databaseOutage: () => relay.cut(),
    restoreDatabase: () => relay.restore(),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      await cleanUp();
    },
  };
}

export type Mode = 'development' | 'production';
export const MODES: Mode[] = ['development', 'production'];

/** The in-process test server or the production child process, with the same environment. */
export async function startServerIn(mode: Mode, env: Record<string, string> = {}): Promise<ApiServer> {
  if (mode === 'production') return startProductionServer({ env });
  const { databaseUrl, relayedUrl, relay, drop } = await relayedDatabase();
  try {
    const server = await startTestServer({ env, databaseUrl: relayedUrl });
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // pool.end() resolves before its sockets close; a database dropped right after terminates them,
    // and the pool re-emits that as an 'error' event that nobody waits for any more.
    pool.on('error', () => undefined);
    return {
      ...server,
      mode,
      databaseUrl,
      sql: async (text, params) => (await pool.query(text, params)).rows,
      databaseOutage: () => relay.cut(),
      restoreDatabase: () => relay.restore(),
      close: async () => {
        await server.close();
        await pool.end();
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** A fresh database cloned from the run's seeded template, reached through a relay that can be cut. */
async function relayedDatabase() {
  const database = await cloneTemplateDatabase('ot_p');
  const relay = await startRelay(new URL(database.url));
  const relayed = new URL(database.url);
  relayed.host = `127.0.0.1:${relay.port}`;
  return {
    databaseUrl: database.url,
    relayedUrl: relayed.toString(),
    relay,
    drop: async () => {
      await relay.close();
      await database.drop().catch(() => undefined);
    },
  };
}

/** A TCP relay to PostgreSQL that can be cut (sockets destroyed, new connections refused) and restored. */
async function startRelay(target: URL): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    port,
    cut: stop,
    restore: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
