import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TaskList } from 'graphile-worker';
import type { EventSubscriber } from '../kernel/domain-events.js';
import { assertLifecycleConsistent } from '@ot/shared';
import { printSchema, type GraphQLSchema } from 'graphql';
import { loadSigningSecret } from '../modules/identity/auth.service.js';
import { seedIfEmpty } from '../seed/seed.js';
import { assertSecretsConfigured } from '../common/secret-box.js';
import { assertMailConfigured, type AppConfig } from './config.js';
import { ensureDatabase, startEmbeddedPostgres, type DatabaseHandle } from './database.js';
import { startHttpServer, type RunningHttpServer } from './http-server.js';
import { createLogger, type Logger } from '../kernel/logger.js';
import { initOrm, migrate } from './orm.js';
import { createAppPubSub, type PubSubHandle } from '../kernel/pubsub.js';
import { buildAppSchema } from './schema.js';
import { createContext, type RequestContext } from '../kernel/context.js';
import { createServices, type Services } from './services.js';
import { ormScrapeSource, startMetricsServer, type MetricsServer } from './metrics-server.js';
import { prepareJobQueue, runDueJobs, startWorker, taskList, type WorkerHandle } from './worker.js';

export interface RunningApp {
  config: AppConfig;
  orm: MikroORM;
  services: Services;
  http: RunningHttpServer;
  url: string;
  logger: Logger;
  /** Runs every job due now, then waits for the webhooks sent on commit (tests drive jobs with this instead of sleeping). */
  runDueJobs(): Promise<void>;
  /** A context with no actor, as jobs use: for running scheduled work with a chosen "now". */
  systemContext(): RequestContext;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  onQuery?: (sql: string) => void;
  /** Event subscribers beyond the product's own (see app/event-subscribers.ts). */
  subscribers?: readonly EventSubscriber[];
}

/** Connects to (or starts) the database, migrates, seeds an empty demo database, and serves. */
export async function startApp(config: AppConfig, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  assertLifecycleConsistent();
  assertMailConfigured(config);
  assertSecretsConfigured(config);
  const database = await openDatabase(config, logger);
  let orm: MikroORM | undefined;
  let pubSub: PubSubHandle | undefined;
  let worker: WorkerHandle | undefined;
  try {
    orm = await initOrm({ url: database.url, logger, onQuery: options.onQuery });
    const applied = await migrate(orm);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    if (config.seedDemo) await seedIfEmpty(orm.em.fork(), logger);
    await prepareJobQueue(database.url, logger);
    const secret = await loadSigningSecret(orm.em.fork(), config.authSecret);
    pubSub = createAppPubSub(config.redisUrl);
    const services = createServices(config, secret, pubSub, logger, options.subscribers);
    const schema = await buildAppSchema(pubSub.pubSub);
    attachSchema(services, schema, orm, logger);
    const tasks = taskList(orm, services, logger);
    const forkOrm = orm;
    const stopWatching = services.webhooks.dispatcher.watch(
      () => forkOrm.em.fork(),
      (err) => logger.warn({ err }, 'could not check for enabled webhook endpoints'),
    );
    const systemContext = () => createContext({ requestId: randomUUID(), em: forkOrm.em.fork(), actor: null, services, logger, ip: '' });
    // Webhooks go out from the process that commits their events; the worker's jobs are the fallback.
    const stopSendingOnCommit = config.webhookSendOnCommit ? services.webhooks.dispatcher.sendOnCommit(systemContext, logger) : null;
    worker = config.runWorker ? await startWorker(database.url, tasks, logger, workerOptions(config)) : undefined;
    if (worker) await services.bulk.resumeInterrupted(orm.em.fork());
    if (worker) await services.imports.resumeInterrupted(orm.em.fork());
    const readyOrm = orm;
    const http = await startHttpServer({
      config,
      orm,
      schema,
      services,
      logger,
      readiness: () => readiness(readyOrm),
    });
    const url = `http://localhost:${http.port}`;
    const metrics = await serveMetrics(config, orm, tasks, worker, logger);
    const closeOrm = orm;
    const closePubSub = pubSub;
    const closeWorker = worker;
    return {
      config,
      orm,
      services,
      http,
      url,
      logger,
      runDueJobs: async () => {
        await runDueJobs(database.url, tasks, logger);
        // What the jobs' transactions (and the caller's before them) sent on commit is done too.
        await services.webhooks.dispatcher.sentOnCommit();
      },
      systemContext,
      close: async () => {
        // Stop taking work on both fronts at once: HTTP and WebSocket drain (in-flight requests
        // finish) while the worker takes no new job and finishes the ones it runs.
        await Promise.all([http.close(), closeWorker?.stop()]);
        await metrics?.close();
        stopWatching();
        await stopSendingOnCommit?.();
        services.mail.close();
        await services.dossierPdf.close();
        await closePubSub.close();
        await closeOrm.close(true);
        await database.stop();
      },
    };
  } catch (error) {
    await worker?.stop();
    await pubSub?.close();
    await orm?.close(true);
    await database.stop();
    throw error;
  }
}

/** Job workers alone, no HTTP: run as many as needed next to stateless API instances. */
export async function startWorkerOnly(config: AppConfig, logger: Logger): Promise<{ close(): Promise<void> }> {
  assertMailConfigured(config);
  assertSecretsConfigured(config);
  const database = await openDatabase(config, logger);
  const orm = await initOrm({ url: database.url, logger });
  await migrate(orm);
  await prepareJobQueue(database.url, logger);
  const secret = await loadSigningSecret(orm.em.fork(), config.authSecret);
  const pubSub = createAppPubSub(config.redisUrl);
  const services = createServices(config, secret, pubSub, logger);
  attachSchema(services, await buildAppSchema(pubSub.pubSub), orm, logger);
  const tasks = taskList(orm, services, logger);
  const worker = await startWorker(database.url, tasks, logger, workerOptions(config));
  await services.bulk.resumeInterrupted(orm.em.fork());
  await services.imports.resumeInterrupted(orm.em.fork());
  const metrics = await serveMetrics(config, orm, tasks, worker, logger);
  return {
    close: async () => {
      await worker.stop();
      await metrics?.close();
      services.mail.close();
      await pubSub.close();
      await orm.close(true);
      await database.stop();
    },
  };
}

/** Services that run GraphQL documents themselves (webhook payloads) get the schema once it exists. */
function attachSchema(services: Services, schema: GraphQLSchema, orm: MikroORM, logger: Logger): void {
  services.eventPayloads.attach(schema, (actor) =>
    createContext({ requestId: randomUUID(), em: orm.em.fork(), actor, services, logger, ip: '' }),
  );
}

/** METRICS_PORT set: this process's series on their own port (the API's and a worker's alike). */
function serveMetrics(
  config: AppConfig,
  orm: MikroORM,
  tasks: TaskList,
  worker: WorkerHandle | undefined,
  logger: Logger,
): Promise<MetricsServer | undefined> {
  if (config.metricsPort === undefined) return Promise.resolve(undefined);
  return startMetricsServer(
    config.metricsPort,
    config.host,
    ormScrapeSource(orm, Object.keys(tasks), () => worker?.pool),
    logger,
  );
}

function workerOptions(config: AppConfig) {
  return { heartbeatMs: config.workerHeartbeatMs, staleMs: config.workerStaleMs, concurrency: config.workerConcurrency };
}

export async function openDatabase(config: AppConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    await ensureDatabase(config.databaseUrl);
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres(config.dataDir, logger);
}

async function readiness(orm: MikroORM): Promise<{ ok: boolean; detail: string }> {
  try {
    const pending = await orm.getMigrator().getPendingMigrations();
    if (pending.length) return { ok: false, detail: `${pending.length} migrations pending` };
    return { ok: true, detail: 'database reachable, migrations applied' };
  } catch {
    return { ok: false, detail: 'database unreachable' };
  }
}

export async function emitSchemaSdl(): Promise<string> {
  const schema = await buildAppSchema(createAppPubSub(undefined).pubSub);
  return `${printSchema(schema)}\n`;
}
