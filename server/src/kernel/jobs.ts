import type { EntityManager } from '@mikro-orm/postgresql';
import { JOB_TRACE_KEY, jobTrace } from './tracing.js';

/** Job names the worker knows. */
export const JOBS = {
  sendMail: 'send_mail',
  confirmationReminder: 'confirmation_reminder',
  confirmationExpiry: 'confirmation_expiry',
  approvalSla: 'approval_sla',
  followUpSla: 'follow_up_sla',
  pruneIdempotency: 'prune_idempotency',
  bulkTermination: 'bulk_termination',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** One job to enqueue: its name (one of JOBS, or a job an event subscriber declares), payload and options. */
export interface JobSpec {
  name: JobName | (string & {});
  payload: Record<string, unknown>;
  /** queueName: jobs of one queue run one at a time, in order (graphile-worker named queues). */
  options?: { runAt?: Date; jobKey?: string; maxAttempts?: number; queueName?: string };
}

/**
 * Enqueues a graphile-worker job through SQL on the caller's transaction, so the job exists
 * exactly when the change that caused it commits. With tracing on, the payload also carries the
 * queuing span's trace context and request id (JOB_TRACE_KEY), which the job's span takes up.
 */
export async function enqueueJob(
  em: EntityManager,
  name: JobSpec['name'],
  payload: JobSpec['payload'],
  options: JobSpec['options'] = {},
): Promise<void> {
  await enqueueJobs(em, [{ name, payload, options }]);
}

/**
 * Enqueues several jobs in ONE statement (graphile_worker.add_jobs, which add_job itself calls:
 * a job key replaces the pending job of that key, as with add_job), on the caller's transaction.
 */
export async function enqueueJobs(em: EntityManager, jobs: readonly JobSpec[]): Promise<void> {
  if (!jobs.length) return;
  const trace = jobTrace();
  const specs = jobs.map(({ name, payload, options = {} }) => ({
    identifier: name,
    payload: trace ? { ...payload, [JOB_TRACE_KEY]: trace } : payload,
    queue_name: options.queueName ?? null,
    run_at: (options.runAt ?? new Date()).toISOString(),
    job_key: options.jobKey ?? null,
    max_attempts: options.maxAttempts ?? 10,
  }));
  await em.getConnection().execute(
    `select count(*) from graphile_worker.add_jobs(array(
       select row(j.identifier, j.payload, j.queue_name, j.run_at, j.max_attempts, j.job_key, null, null)::graphile_worker.job_spec
         from json_to_recordset(?::json) as j(identifier text, payload json, queue_name text, run_at timestamptz, max_attempts smallint, job_key text)))`,
    [JSON.stringify(specs)],
    'all',
    em.getTransactionContext(),
  );
}
