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

/**
 * Enqueues a graphile-worker job through SQL on the caller's transaction, so the job exists
 * exactly when the change that caused it commits. With tracing on, the payload also carries the
 * queuing span's trace context and request id (JOB_TRACE_KEY), which the job's span takes up.
 */
export async function enqueueJob(
  em: EntityManager,
  /** One of JOBS, or a job an event subscriber declares. */
  name: JobName | (string & {}),
  payload: Record<string, unknown>,
  /** queueName: jobs of one queue run one at a time, in order (graphile-worker named queues). */
  options: { runAt?: Date; jobKey?: string; maxAttempts?: number; queueName?: string } = {},
): Promise<void> {
  const trace = jobTrace();
  await em
    .getConnection()
    .execute(
      `select graphile_worker.add_job(?, ?::json, queue_name => ?, run_at => ?::timestamptz, job_key => ?, max_attempts => ?)`,
      [
        name,
        JSON.stringify(trace ? { ...payload, [JOB_TRACE_KEY]: trace } : payload),
        options.queueName ?? null,
        (options.runAt ?? new Date()).toISOString(),
        options.jobKey ?? null,
        options.maxAttempts ?? 10,
      ],
      'all',
      em.getTransactionContext(),
    );
}
