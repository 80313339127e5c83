import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../kernel/context.js';
import type { WebhookBatchDeliverer } from './webhook-batch.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WEBHOOK_TIMEOUT_MS } from './webhook-http.js';

export const WEBHOOKS_SEND_JOB = 'webhooks_send';
/** First attempts one claim takes at most; a full claim is followed by another in the same run. */
export const CLAIM_LIMIT = 200;
/**
 * Wake-up keys a committing transaction picks one of at random. A key holds at most one waiting
 * job (graphile-worker replaces it), so many transactions' deliveries wait for few jobs; several
 * keys, so that concurrent commits rarely queue behind each other's update of the same job row.
 */
export const SEND_LANES = 4;
/**
 * A claim keeps its deliveries from other senders this long (their next_attempt_at moves to its
 * end); a dead sender's deliveries are claimable again when it lapses. A send ends within the
 * 10 s timeout (twice that with the one reconnect), so a sender starts none later than that
 * before its lease ends, less a margin for the database's clock against ours: a live sender's
 * claim never lapses under a send. What it cannot start in time it releases and claims anew.
 */
const CLAIM_LEASE_MS = 30_000;
const CLOCK_MARGIN_MS = 2_000;
const LAST_SEND_BEFORE_LEASE_END_MS = 2 * WEBHOOK_TIMEOUT_MS + CLOCK_MARGIN_MS;
/** A run claims again while its claims come back full, for up to this long; then a fresh job. */
const RUN_BUDGET_MS = 10_000;

/** The rows senders claim (the partial index webhook_delivery_first_attempt_idx holds exactly these). */
const FIRST_ATTEMPT = `status = 'PENDING' and attempts = 0 and event_id is not null`;

/**
 * SQL (one statement, for use inside another's select list) that wakes a sender: a job under one
 * of the lane keys, replacing a waiting one, or a new one when that job already runs. Parameters:
 * none; `lane` is an integer chosen by the caller. `afterMs`: the job is a fallback, due that
 * much later (the committing process sends first, webhook-commit-send.ts).
 */
export function wakeSenderSql(lane: number, afterMs = 0): string {
  const key = `job_key => '${WEBHOOKS_SEND_JOB}:${lane}'`;
  // A later wake-up keeps the waiting job's time: under steady commits the fallback still runs.
  const later = afterMs > 0 ? `, run_at => now() + interval '${Math.round(afterMs)} milliseconds', job_key_mode => 'preserve_run_at'` : '';
  return `graphile_worker.add_job('${WEBHOOKS_SEND_JOB}', '{}'::json, ${key}${later}, max_attempts => 10)`;
}

export function randomLane(): number {
  return Math.floor(Math.random() * SEND_LANES);
}

/** Wakes a sender when first attempts are claimable now (the sweep's safety net: lapsed claims, lost wake-ups). */
export async function wakeSenderIfClaimable(em: EntityManager): Promise<void> {
  await em
    .getConnection()
    .execute(
      `select ${wakeSenderSql(randomLane())} where exists (select 1 from webhook_delivery where ${FIRST_ATTEMPT} and next_attempt_at <= clock_timestamp())`,
      [],
      'all',
      em.getTransactionContext(),
    );
}

/**
 * The sending job (issue #15, B7). Transactions that record events insert their deliveries and
 * wake a sender (few jobs for many transactions, see SEND_LANES); a sender claims every pending
 * first attempt, whoever inserted it, up to CLAIM_LIMIT (`for update skip locked`, so senders
 * side by side take different rows), and hands them to the batch deliverer (render once per
 * event, sign per endpoint, send concurrently per endpoint, write successes set-based, failures
 * onto the retry schedule). Batches thus grow with the backlog instead of being one
 * transaction's 20–60 deliveries each.
 *
 * No wake-up is lost: a transaction's wake-up job commits with its deliveries, and a job runs
 * only after it is committed, so its claim sees them. A crashed sender's claims lapse after
 * CLAIM_LEASE_MS; the freed job (or any sender that finds nothing to claim) schedules a sender
 * for when they lapse, and the minute's sweep wakes one whenever anything is claimable.
 */
export class WebhookSender {
  constructor(private readonly batches: WebhookBatchDeliverer) {}

  async run(ctx: RequestContext): Promise<void> {
    const started = Date.now();
    for (;;) {
      const { deliveries, leaseEnd } = await this.claim(ctx);
      if (!deliveries.length) return this.wakeWhenClaimsLapse(ctx);
      const unsent = await this.batches.deliver(ctx, deliveries, { sendUntil: leaseEnd - LAST_SEND_BEFORE_LEASE_END_MS });
      if (unsent.length) await this.release(ctx, unsent);
      // A claim short of the limit took everything there was; what commits later wakes a sender itself.
      if (deliveries.length < CLAIM_LIMIT && !unsent.length) return;
      if (Date.now() - started >= RUN_BUDGET_MS) {
        // Others get the worker meanwhile; the rest continues in a job of its own.
        const em = ctx.em.fork();
        await em.getConnection().execute(`select ${wakeSenderSql(randomLane())}`);
        return;
      }
    }
  }

  /**
   * The first attempts of these events, sent now (the committing process's fast path): claimed
   * like the job's, so a row claimed here is invisible to every job until its lease lapses, and
   * one a job holds is skipped here. What cannot be started within the lease is released and
   * left to a job woken at once.
   */
  async sendEvents(ctx: RequestContext, eventIds: readonly string[]): Promise<void> {
    for (;;) {
      const { deliveries, leaseEnd } = await this.claim(ctx, eventIds);
      if (!deliveries.length) return;
      const unsent = await this.batches.deliver(ctx, deliveries, { sendUntil: leaseEnd - LAST_SEND_BEFORE_LEASE_END_MS });
      if (unsent.length) {
        await this.release(ctx, unsent);
        await ctx.em
          .fork()
          .getConnection()
          .execute(`select ${wakeSenderSql(randomLane())}`);
        return;
      }
      if (deliveries.length < CLAIM_LIMIT) return;
    }
  }

  /**
   * The oldest claimable first attempts (of the given events only, when given), leased to this run (committed at once: no transaction
   * stays open while sending), returned whole: the claim is also the batch's read of them.
   * leaseEnd: when the first of these leases ends (epoch ms, the database's clock).
   */
  private async claim(ctx: RequestContext, eventIds?: readonly string[]): Promise<{ deliveries: WebhookDelivery[]; leaseEnd: number }> {
    const em = ctx.em.fork();
    const ofEvents = eventIds ? `and event_id = any(array[?]::uuid[])` : '';
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(
      `with claimable as (
         select id from webhook_delivery
          where ${FIRST_ATTEMPT} and next_attempt_at <= clock_timestamp() ${ofEvents}
          order by next_attempt_at
          limit ? for update skip locked)
       update webhook_delivery d set next_attempt_at = clock_timestamp() + ? * interval '1 millisecond'
         from claimable c where d.id = c.id
       returning d.*`,
      [...(eventIds ? [[...eventIds]] : []), CLAIM_LIMIT, CLAIM_LEASE_MS],
      'all',
    );
    const deliveries = rows.map((row) => em.map(WebhookDelivery, row));
    const leaseEnd = Math.min(...deliveries.map((d) => d.nextAttemptAt!.getTime()));
    return { deliveries, leaseEnd };
  }

  /** Claimed deliveries this run did not start sending: claimable again at once. */
  private async release(ctx: RequestContext, ids: readonly string[]): Promise<void> {
    await ctx.em
      .fork()
      .getConnection()
      .execute(`update webhook_delivery set next_attempt_at = clock_timestamp() where id = any(array[?]::uuid[]) and ${FIRST_ATTEMPT}`, [
        [...ids],
      ]);
  }

  /**
   * Nothing claimable now: either other senders hold it all, or a sender died holding claims.
   * One job (keyed; the earliest time kept) looks again when the first claim lapses.
   */
  private async wakeWhenClaimsLapse(ctx: RequestContext): Promise<void> {
    await ctx.em
      .fork()
      .getConnection()
      .execute(
        `select graphile_worker.add_job(?, '{}'::json, run_at => m.at, job_key => ?, job_key_mode => 'preserve_run_at', max_attempts => 10)
           from (select min(next_attempt_at) as at from webhook_delivery where ${FIRST_ATTEMPT} and next_attempt_at > clock_timestamp()) m
          where m.at is not null`,
        [WEBHOOKS_SEND_JOB, `${WEBHOOKS_SEND_JOB}:lapsed`],
      );
  }
}
