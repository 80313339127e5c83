import { Logger as WorkerLogger, run, runMigrations, runOnce, type Runner, type TaskList } from 'graphile-worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createContext } from './context.js';
import { JOBS } from './jobs.js';
import type { Logger } from './logger.js';
import type { Services } from './services.js';

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
  return {
    [JOBS.sendMail]: async (payload) => services.mail.deliver(orm.em.fork(), id(payload, 'messageId')),
    [JOBS.confirmationReminder]: async (payload) => void (await services.scheduled.remindCustomer(ctx(), id(payload, 'confirmationId'))),
    [JOBS.confirmationExpiry]: async (payload) => void (await services.scheduled.expireConfirmation(ctx(), id(payload, 'confirmationId'))),
    [JOBS.approvalSla]: async (payload) => void (await services.scheduled.escalateApproval(ctx(), id(payload, 'stepId'))),
    [JOBS.followUpSla]: async (payload) => void (await services.scheduled.remindFollowUp(ctx(), id(payload, 'taskId'))),
    [JOBS.pruneIdempotency]: async () => void (await services.scheduled.pruneIdempotency(ctx())),
    [JOBS.bulkTermination]: async (payload) => services.bulk.process(ctx(), id(payload, 'runId')),
  };
}

export interface WorkerHandle {
  runner: Runner;
  /** Takes no new job, lets running ones finish, then closes the worker's connections. */
  stop(): Promise<void>;
}

export async function startWorker(connectionString: string, tasks: TaskList, logger: Logger, concurrency = 2): Promise<WorkerHandle> {
  // Our own pool, so that it keeps an error listener until it is closed: graphile-worker removes
  // its listener on stop before its pool has ended, and a connection dropped in between (Ctrl-C
  // reaches the embedded PostgreSQL too) would crash the process with an unhandled 'error'.
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pgPool.on('error', (err) => logger.warn({ err }, 'job queue connection lost'));
  const runner = await run({
    pgPool,
    logger: workerLogger(logger),
    concurrency,
    taskList: tasks,
    noHandleSignals: true,
    pollInterval: 1000,
    crontab: `0 * * * * ${JOBS.pruneIdempotency}`,
  });
  return {
    runner,
    stop: async () => {
      await runner.stop();
      await pgPool.end();
    },
  };
}

/** Processes every job that is due now, then returns: tests use it instead of sleeping. */
export async function runDueJobs(connectionString: string, tasks: TaskList, logger: Logger): Promise<void> {
  await runOnce({ connectionString, taskList: tasks, noHandleSignals: true, logger: workerLogger(logger) });
}
