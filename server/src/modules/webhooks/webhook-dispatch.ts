import type { EntityManager } from '@mikro-orm/postgresql';
import type { Permission } from '@ot/shared';
import type { Actor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import type { EventSubscriber } from '../../kernel/domain-events.js';
import { enqueueJob } from '../../kernel/jobs.js';
import type { Logger } from '../../kernel/logger.js';
import { inTransaction, type TransactionScope } from '../../kernel/transaction.js';
import { mayReadEvent } from '../events/event-catalogue.js';
import type { FeedEvent } from '../events/event-feed.js';
import { WEBHOOK_DELIVER_JOB, type WebhookDeliverer } from './webhook-deliver.js';
import { WebhookEndpoint, WebhookEndpointKind } from './webhook-endpoint.entity.js';
import { IM_EVENT_TYPES } from './im/im-request.js';
import { ownerActors } from './webhook-owner.js';
import { WEBHOOKS_DELIVER_BATCH_JOB, WebhookBatchDeliverer } from './webhook-batch.js';
import { randomLane, wakeSenderIfClaimable, wakeSenderSql, WEBHOOKS_SEND_JOB, WebhookSender } from './webhook-send.js';
import { WebhookCommitSender } from './webhook-commit-send.js';

export const WEBHOOKS_DISPATCH_JOB = 'webhooks_dispatch';
/** Dispatch runs one at a time, whoever enqueued it (graphile-worker named queue). */
export const WEBHOOKS_DISPATCH_QUEUE = 'webhooks_dispatch';
/** graphile-worker crontab line: the safety net that dispatches every minute whatever happened. */
export const WEBHOOKS_DISPATCH_CRONTAB = `* * * * * ${WEBHOOKS_DISPATCH_JOB} ?queue=${WEBHOOKS_DISPATCH_QUEUE}&max=3`;

const BATCH = 500;
/** Batches per job run; a longer backlog continues in a job of its own (others get the worker meanwhile). */
const BATCHES_PER_RUN = 20;
/**
 * Committed events waiting behind an older running transaction: the run looks again this often
 * itself (a job scheduled later would wait for the worker's 1 s poll), up to HELD_BACK_WAITS
 * times, and then leaves it to a job HELD_BACK_RETRY_MS later.
 */
const HELD_BACK_POLL_MS = 50;
const HELD_BACK_WAITS = 40;
const HELD_BACK_RETRY_MS = 1000;
/** How long this instance trusts what it knows about enabled endpoints. */
const ENABLED_TTL_MS = 60_000;
/** How long a transaction's direct dispatch trusts the loaded endpoints and owners. */
const TARGETS_TTL_MS = 1_000;
/**
 * When this process sends on commit, the sender job its transactions queue is the fallback, due
 * this much later (long enough for the fast path to have claimed the rows, so the job rarely
 * finds work; short enough that a crash right after the commit delays delivery only so much).
 */
const FALLBACK_SENDER_AFTER_MS = 2_000;

/** What deciding whether an endpoint wants an event needs of the event. */
type Dispatchable = Pick<FeedEvent, 'id' | 'type' | 'occurredAt'>;

/** The enabled endpoints and their owners, as one instance last loaded them. */
interface Targets {
  endpoints: WebhookEndpoint[];
  owners: Map<string, Actor>;
  at: number;
}

/**
 * Turns events into deliveries, two ways:
 *
 * - Directly: a transaction that records events inserts, as its last statement, the deliveries
 *   of its own events and wakes a sender (webhook-send.ts), so they commit (or roll back) with
 *   the change and the worker hears of them at the commit. Nothing waits for the feed's horizon (B7: with ~70
 *   committing transactions a second, one dispatch job per transaction waiting for the horizon
 *   was most of the lag). With sendOnCommit, the committing process then sends them itself
 *   (webhook-commit-send.ts) and the sender job is its later fallback.
 * - The sweep: a job every minute (and after a backlog) reads the feed after its stored cursor
 *   and inserts what is missing — events recorded while this instance believed no endpoint was
 *   enabled, or before a new endpoint reached its cache. The unique (endpoint, event) key makes
 *   a second insertion of the same delivery a no-op, so both paths may see an event.
 *
 * Endpoints are cached for at most TARGETS_TTL_MS (this instance's own changes drop the cache at
 * once); a delivery still checks the endpoint and its owner as they are when it is sent.
 */
export class WebhookDispatcher {
  private enabled: { value: boolean; at: number } | null = null;
  private refreshNow: (() => void) | null = null;
  /** The events each open transaction (by its entity manager) recorded so far. */
  private readonly recorded = new WeakMap<EntityManager, Dispatchable[]>();
  private targets: Promise<Targets> | null = null;

  private readonly sender: WebhookSender;
  /** Sends first attempts right after their commit (sendOnCommit); null: only jobs send. */
  private onCommit: WebhookCommitSender | null = null;

  constructor(private readonly deliverer: WebhookDeliverer) {
    this.sender = new WebhookSender(new WebhookBatchDeliverer(deliverer));
  }

  /** Called after an endpoint change commits; `enabledNow` true when an endpoint is known enabled. */
  endpointsChanged(enabledNow?: boolean): void {
    this.targets = null;
    if (enabledNow) this.enabled = { value: true, at: Date.now() };
    else if (this.refreshNow) this.refreshNow();
    else this.enabled = null;
  }

  subscriber(): EventSubscriber {
    return {
      name: 'webhooks',
      inTransaction: async (scope, event) => {
        if (!(await this.anyEnabled(scope.em))) return;
        let own = this.recorded.get(scope.em);
        if (!own) {
          const events: Dispatchable[] = (own = []);
          this.recorded.set(scope.em, events);
          scope.beforeCommit(() => this.dispatchOwn(scope, events));
        }
        own.push({ id: event.id, type: event.type, occurredAt: event.at });
      },
      jobs: {
        [WEBHOOKS_DISPATCH_JOB]: (_payload, ctx) => this.dispatch(ctx),
        [WEBHOOKS_SEND_JOB]: (_payload, ctx) => this.sender.run(ctx),
        // Queued before an upgrade with its ids: the sender claims those with everything else pending.
        [WEBHOOKS_DELIVER_BATCH_JOB]: (_payload, ctx) => this.sender.run(ctx),
        [WEBHOOK_DELIVER_JOB]: (payload, ctx) => this.deliverer.attempt(ctx, String(payload.deliveryId), payload.manual === true),
      },
    };
  }

  /**
   * The deliveries of a transaction's own events, inserted in it (its rows are flushed by now),
   * and handed to this process's sender once it commits.
   */
  private async dispatchOwn(scope: TransactionScope, events: readonly Dispatchable[]): Promise<void> {
    const { endpoints, owners } = await this.currentTargets(scope.em);
    const pairs = this.pairs(events, endpoints, owners);
    const onCommit = this.onCommit;
    await insertDeliveries(scope.em, pairs, onCommit ? FALLBACK_SENDER_AFTER_MS : 0);
    if (onCommit && pairs.length) {
      const eventIds = [...new Set(pairs.map((p) => p.event_id))];
      scope.afterCommit(() => onCommit.handOff(eventIds));
    }
  }

  /**
   * From now on this process sends the first attempts of the events it commits itself, right
   * after the commit (`context`: a system context for its statements). Returns the stop, which
   * waits for the sends under way.
   */
  sendOnCommit(context: () => RequestContext, logger: Logger): () => Promise<void> {
    const onCommit = new WebhookCommitSender(this.sender, context, logger);
    this.onCommit = onCommit;
    return async () => {
      if (this.onCommit === onCommit) this.onCommit = null;
      await onCommit.stop();
    };
  }

  /** Resolves once the sends started on commit are done (tests drive jobs after them). */
  async sentOnCommit(): Promise<void> {
    await this.onCommit?.settled();
  }

  /** The enabled endpoints with their owners, loaded at most every TARGETS_TTL_MS (one load at a time). */
  private async currentTargets(em: EntityManager): Promise<Targets> {
    const cached = this.targets;
    if (cached) {
      const targets = await cached.catch(() => null);
      if (targets && Date.now() - targets.at < TARGETS_TTL_MS) return targets;
    }
    // Whoever finds the cache stale first loads; the others share that load (or, if it fails in
    // its transaction, load for themselves).
    if (this.targets === cached) {
      const loading = readTargets(em);
      this.targets = loading;
      loading.catch(() => {
        if (this.targets === loading) this.targets = null;
      });
      return loading;
    }
    return this.targets!.catch(() => readTargets(em));
  }

  /** (endpoint, event) pairs to deliver, in the events' order. */
  private pairs(
    events: readonly Dispatchable[],
    endpoints: readonly WebhookEndpoint[],
    owners: ReadonlyMap<string, Actor>,
  ): DeliveryPair[] {
    const rows: DeliveryPair[] = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (!this.wants(endpoint, owners.get(endpoint.id)?.permissions, event)) continue;
        rows.push({ endpoint_id: endpoint.id, event_id: event.id, event_type: event.type });
      }
    }
    return rows;
  }

  /**
   * Keeps the flag fresh off the request path: once now, then every minute on a connection of
   * its own, so that transactions recording events issue no extra statement for it.
   */
  watch(em: () => EntityManager, onError: (err: unknown) => void): () => void {
    const refresh = async () => {
      try {
        await this.anyEnabled(em(), true);
      } catch (err) {
        onError(err);
      }
    };
    this.refreshNow = () => void refresh();
    void refresh();
    const timer = setInterval(() => void refresh(), ENABLED_TTL_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      this.refreshNow = null;
    };
  }

  private async anyEnabled(em: EntityManager, refresh = false): Promise<boolean> {
    // Twice the period: with the watcher running the flag never gets this old; without it (or
    // if it stalls), the transaction asks for itself.
    if (!refresh && this.enabled && Date.now() - this.enabled.at < 2 * ENABLED_TTL_MS) return this.enabled.value;
    const rows = await em
      .getConnection()
      .execute<{ one: number }[]>(`select 1 as one from webhook_endpoint where enabled limit 1`, [], 'all', em.getTransactionContext());
    this.enabled = { value: rows.length > 0, at: Date.now() };
    return this.enabled.value;
  }

  /** Dispatches everything after the cursor (a bounded amount per run; the rest in a follow-up job). */
  async dispatch(ctx: RequestContext): Promise<void> {
    // The safety net of sending too: first attempts whose sender died (its claim lapsed).
    await wakeSenderIfClaimable(ctx.em.fork());
    let waits = 0;
    for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
      const hasMore = await inTransaction(ctx, (scope) => this.dispatchBatch(ctx, scope.em));
      if (hasMore) continue;
      if (!(await this.heldBack(ctx))) return;
      if (waits++ >= HELD_BACK_WAITS) return this.again(ctx, new Date(Date.now() + HELD_BACK_RETRY_MS));
      await new Promise((resolve) => setTimeout(resolve, HELD_BACK_POLL_MS));
      batch--; // a wait is not a batch
    }
    await this.again(ctx);
  }

  /** Another dispatch, at most one waiting (keyed): for a long backlog, or events held back. */
  private async again(ctx: RequestContext, runAt?: Date): Promise<void> {
    await inTransaction(ctx, (scope) =>
      enqueueJob(scope.em, WEBHOOKS_DISPATCH_JOB, {}, { queueName: WEBHOOKS_DISPATCH_QUEUE, runAt, jobKey: 'webhooks_dispatch_again' }),
    );
  }

  /**
   * Whether committed events wait behind the feed's horizon: the feed reads only transactions
   * older than every running one, so an event committed while an older transaction (one that
   * records no event, hence enqueues no dispatch) still runs is readable only later. Looking
   * again in a second keeps its delay short without waiting for the minute's cron.
   */
  private async heldBack(ctx: RequestContext): Promise<boolean> {
    const [row] = await ctx.em
      .fork()
      .getConnection()
      .execute<{ held: boolean }[]>(
        `select exists (select 1 from audit_event where tx >= pg_snapshot_xmin(pg_current_snapshot())) as held`,
      );
    return row?.held === true;
  }

  /** The stored position, or null (the oldest retained) when it lies beyond the retention: every event kept is newer. */
  private usableCursor(ctx: RequestContext, cursor: string | null): string | null {
    if (!cursor) return null;
    try {
      ctx.services.eventFeed.assertCursor(cursor);
      return cursor;
    } catch {
      return null;
    }
  }

  private async dispatchBatch(ctx: RequestContext, em: EntityManager): Promise<boolean> {
    const connection = em.getConnection();
    const tx = em.getTransactionContext();
    // The row lock serializes dispatchers beyond the queue (e.g. a test's runDueJobs next to a worker).
    const [state] = await connection.execute<{ cursor: string | null }[]>(
      `select cursor from webhook_dispatch_state where id = 1 for update`,
      [],
      'all',
      tx,
    );
    const { events, hasMore } = await ctx.services.eventFeed.read(em, {
      after: this.usableCursor(ctx, state?.cursor ?? null),
      limit: BATCH,
    });
    if (!events.length) return false;
    const endpoints = await em.find(WebhookEndpoint, { enabled: true }, { orderBy: { createdAt: 'asc' } });
    const owners = endpoints.length ? await ownerActors(em, endpoints) : new Map<string, Actor>();
    await insertDeliveries(em, this.pairs(events, endpoints, owners));
    await connection.execute(
      `update webhook_dispatch_state set cursor = ?, updated_at = now() where id = 1`,
      [events.at(-1)!.cursor],
      'all',
      tx,
    );
    return hasMore;
  }

  /**
   * Whether an endpoint gets an event: subscribed to its type, existing before it (a new
   * endpoint does not receive the past), and its owner may read it now.
   */
  private wants(endpoint: WebhookEndpoint, permissions: ReadonlySet<Permission> | undefined, event: Dispatchable): boolean {
    if (!endpoint.eventTypes.includes(event.type)) return false;
    // IM channels announce only some types (a type may have left the list since the endpoint was saved).
    if (endpoint.kind !== WebhookEndpointKind.GENERIC && !IM_EVENT_TYPES.includes(event.type)) return false;
    if (endpoint.createdAt.getTime() > event.occurredAt.getTime()) return false;
    return !!permissions && mayReadEvent(permissions, event.type);
  }
}

/**
 * The enabled endpoints and their owners, read on the transaction's own connection: waiting for
 * another connection from the pool while holding this one starves the pool under load (B7: open
 * transactions waited here for the pool's 60 s).
 */
async function readTargets(em: EntityManager): Promise<Targets> {
  const at = Date.now();
  const endpoints = await em.find(WebhookEndpoint, { enabled: true }, { orderBy: { createdAt: 'asc' } });
  const owners = endpoints.length ? await ownerActors(em, endpoints) : new Map<string, Actor>();
  return { endpoints, owners, at };
}

interface DeliveryPair {
  endpoint_id: string;
  event_id: string;
  event_type: string;
}

/**
 * Inserts deliveries and wakes a sender in one statement (clock_timestamp: rows keep the feed's
 * order in the newest-first delivery log; the sequence comes from the event's row). An existing
 * (endpoint, event) row is kept as it is, so whichever path inserts a delivery first, it is sent
 * once. The wake-up replaces a waiting sender job under one of a few keys (randomLane): many
 * transactions, few jobs; a sender claims every pending first attempt, not just these. With
 * `wakeAfterMs` the job is the fallback of the committing process's own sending, due that later.
 */
async function insertDeliveries(em: EntityManager, pairs: readonly DeliveryPair[], wakeAfterMs = 0): Promise<void> {
  if (!pairs.length) return;
  await em.getConnection().execute(
    `with created as (
       insert into webhook_delivery (id, created_at, endpoint_id, event_id, webhook_id, event_type, event_sequence, status, attempts, next_attempt_at, test)
       select gen_random_uuid(), clock_timestamp(), u.endpoint_id, u.event_id, u.event_id::text, u.event_type, e.seq, 'PENDING', 0, now(), false
         from json_to_recordset(?::json) as u(endpoint_id uuid, event_id uuid, event_type text)
         join audit_event e on e.id = u.event_id
         join webhook_endpoint w on w.id = u.endpoint_id -- none for an endpoint deleted since the cache was loaded
        order by e.seq
       on conflict (endpoint_id, event_id) do nothing
       returning id)
     select ${wakeSenderSql(randomLane(), wakeAfterMs)} from (select 1 from created limit 1) c`,
    [JSON.stringify(pairs)],
    'all',
    em.getTransactionContext(),
  );
}
