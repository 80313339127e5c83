import { EventEmitter } from 'node:events';
import {
  Logger as WorkerLogger,
  run,
  runMigrations,
  runOnce,
  type JobHelpers,
  type Task,
  type Runner,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import { jobDuration, secondsSince } from '../kernel/metrics.js';
import { inSpan, jobOrigin, REQUEST_ID_ATTRIBUTE, SpanKind } from '../kernel/tracing.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createContext } from '../kernel/context.js';
import { JOBS } from '../kernel/jobs.js';
import type { Logger } from '../kernel/logger.js';
import type { Services } from './services.js';
import { IMPORT_JOBS } from '../modules/sync/import/import.service.js';
import { WEBHOOKS_DISPATCH_CRONTAB } from '../modules/webhooks/webhook-dispatch.js';

/** Installs graphile-worker's schema; needed before any transaction enqueues a job. */
export async function prepareJobQueue(connectionString: string, logger: Logger): Promise<void> {
  await runMigrations({ connectionString, logger: workerLogger(logger) });
}

/** graphile-worker's log lines go through pino like everything else. */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    logger[method]({ worker: scope, ...meta }, message);
  });
}

export function taskList(orm: MikroORM, services: Services, logger: Logger): TaskList {
  const ctx = () => createContext({ requestId: randomUUID(), em: orm.em.fork(), actor: null, services, logger, ip: '' });
  const id = (payload: unknown, key: string) => String((payload as Record<string, unknown>)[key]);
  const subscriberJobs = Object.entries(services.domainEvents.jobs(Object.values(JOBS))).map(
    ([name, run]) => [name, async (payload: unknown) => run((payload ?? {}) as Record<string, unknown>, ctx())] as const,
  );
  return observedTasks({
    ...Object.fromEntries(subscriberJobs),
    [JOBS.sendMail]: async (payload) => services.mail.deliver(orm.em.fork(), id(payload, 'messageId')),
    [JOBS.confirmationReminder]: async (payload) => void (await services.scheduled.remindCustomer(ctx(), id(payload, 'confirmationId'))),
    [JOBS.confirmationExpiry]: async (payload) => void (await services.scheduled.expireConfirmation(ctx(), id(payload, 'confirmationId'))),
    [JOBS.approvalSla]: async (payload) => void (await services.scheduled.escalateApproval(ctx(), id(payload, 'stepId'))),
    [JOBS.followUpSla]: async (payload) => void (await services.scheduled.remindFollowUp(ctx(), id(payload, 'taskId'))),
    [JOBS.pruneIdempotency]: async () => void (await services.scheduled.pruneIdempotency(ctx())),
    [JOBS.bulkTermination]: async (payload) => services.bulk.process(ctx(), id(payload, 'runId')),
    [IMPORT_JOBS.dryRun]: async (payload) => services.imports.dryRun(ctx(), id(payload, 'runId')),
    [IMPORT_JOBS.run]: async (payload) => services.imports.importFile(ctx(), id(payload, 'runId')),
  });
}

/**
 * Every task timed (ot_job_duration_seconds) and run in a span of its own, so that its SQL and
 * outgoing HTTP (mail, webhooks) show up as one trace per job run.
 */
function observedTasks(tasks: TaskList): TaskList {
  return Object.fromEntries(
    Object.entries(tasks).map(([task, run]) => [
      task,
      async (payload: unknown, helpers: JobHelpers) => {
        const start = process.hrtime.bigint();
        let result = 'error';
        // Linked to the span that queued the job, and carrying that request's id (kernel/tracing.ts).
        const origin = jobOrigin(payload);
        try {
          const value = await inSpan(
            `job ${task}`,
            {
              'job.task': task,
              'job.id': helpers.job.id,
              'job.attempt': helpers.job.attempts,
              ...(origin.requestId ? { [REQUEST_ID_ATTRIBUTE]: origin.requestId } : {}),
            },
            async () => (run as Task)(payload, helpers),
            SpanKind.CONSUMER,
            origin.links,
          );
          result = 'ok';
          return value;
        } finally {
          jobDuration.observe({ task, result }, secondsSince(start));
        }
      },
    ]),
  );
}

export interface WorkerHandle {
  runner: Runner;
  /** The worker's own connections (the pool metrics read it). */
  pool: pg.Pool;
  /** Takes no new job, lets running ones finish, then closes the worker's connections. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  /** How often this process records that its workers are alive (and looks for dead ones). */
  heartbeatMs: number;
  /** A worker silent this long is dead: its locked jobs are freed for others. */
  staleMs: number;
}

export async function startWorker(
  connectionString: string,
  tasks: TaskList,
  logger: Logger,
  options: WorkerOptions,
): Promise<WorkerHandle> {
  const concurrency = options.concurrency ?? 2;
  // Our own pool, so that it keeps an error listener until it is closed: graphile-worker removes
  // its listener on stop before its pool has ended, and a connection dropped in between (Ctrl-C
  // reaches the embedded PostgreSQL too) would crash the process with an unhandled 'error'.
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pgPool.on('error', (err) => logger.warn({ err }, 'job queue connection lost'));
  const events: WorkerEvents = new EventEmitter();
  const workerIds = new Set<string>();
  events.on('worker:create', ({ worker }) => workerIds.add(worker.workerId));
  const runner = await run({
    pgPool,
    events,
    logger: workerLogger(logger),
    concurrency,
    taskList: tasks,
    noHandleSignals: true,
    pollInterval: 1000,
    crontab: [`0 * * * * ${JOBS.pruneIdempotency}`, WEBHOOKS_DISPATCH_CRONTAB].join('\n'),
  });
  const heartbeat = startHeartbeat(pgPool, workerIds, logger, options);
  return {
    runner,
    pool: pgPool,
    stop: async () => {
      await heartbeat.stop();
      await runner.stop();
      await pgPool.query(`delete from worker_heartbeat where worker_id = any($1::text[])`, [[...workerIds]]).catch(() => undefined);
      await pgPool.end();
    },
  };
}

/**
 * graphile-worker 0.16 frees the jobs of a worker that died (SIGKILL, power loss) only after 4
 * hours. Each process records its workers' heartbeat; every live process frees the jobs locked
 * by workers with no heartbeat for `staleMs` (or none at all, e.g. killed before their first).
 * A job freed this way is safe to run again: sending mail is at most once per message (see
 * MailService.deliver) and the other jobs are idempotent.
 */
function startHeartbeat(pool: pg.Pool, workerIds: Set<string>, logger: Logger, options: WorkerOptions) {
  const staleSeconds = options.staleMs / 1000;
  let running: Promise<void> = Promise.resolve();
  const beat = async () => {
    await pool.query(
      `insert into worker_heartbeat (worker_id, last_seen_at) select unnest($1::text[]), now()
         on conflict (worker_id) do update set last_seen_at = excluded.last_seen_at`,
      [[...workerIds]],
    );
    const { rows } = await pool.query<{ locked_by: string }>(
      `select distinct j.locked_by from graphile_worker._private_jobs j
        where j.locked_by is not null and j.locked_at < now() - make_interval(secs => $1)
          and not exists (select 1 from worker_heartbeat h where h.worker_id = j.locked_by and h.last_seen_at >= now() - make_interval(secs => $1))`,
      [staleSeconds],
    );
    const dead = rows.map((r) => r.locked_by).filter((id) => !workerIds.has(id));
    if (dead.length) {
      await pool.query(`select graphile_worker.force_unlock_workers($1::text[])`, [dead]);
      logger.warn({ workers: dead }, 'freed the jobs of job workers that stopped without a trace');
    }
    // Rows of workers long gone (their jobs were freed above).
    await pool.query(`delete from worker_heartbeat where last_seen_at < now() - make_interval(secs => $1)`, [staleSeconds * 10]);
  };
  const tick = () => {
    running = beat().catch((err: unknown) => logger.warn({ err }, 'job worker heartbeat failed'));
  };
  tick();
  const timer = setInterval(tick, options.heartbeatMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** Processes every job that is due now, then returns: tests use it instead of sleeping. */
export async function runDueJobs(connectionString: string, tasks: TaskList, logger: Logger): Promise<void> {
  await runOnce({ connectionString, taskList: tasks, noHandleSignals: true, logger: workerLogger(logger) });
}
