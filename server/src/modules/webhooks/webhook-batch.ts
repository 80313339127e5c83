import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import type { FeedEvent } from '../events/event-feed.js';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity.js';
import { observeWebhookDelivery } from '../../kernel/metrics.js';
import type { WebhookDeliverer } from './webhook-deliver.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { excerpt, type WebhookResponse } from './webhook-http.js';
import { ownerActors } from './webhook-owner.js';

/**
 * The batch job of earlier versions (it carried its deliveries' ids); one still queued from
 * before an upgrade runs the sender, which claims them with the rest.
 */
export const WEBHOOKS_DELIVER_BATCH_JOB = 'webhooks_deliver_batch';
/**
 * Requests to one endpoint in flight at once (the kept-alive agent holds up to 16 sockets per
 * origin); every endpoint of a batch has its own lanes, so a slow receiver holds only its own.
 */
const IN_FLIGHT_PER_ENDPOINT = 8;
/** Successes are written together, at the latest this long after the first of them… */
const FLUSH_AFTER_MS = 50;
/** …or as soon as this many wait. */
const FLUSH_AT = 100;

interface Success {
  id: string;
  at: string;
  latency: number;
  status: number;
  excerpt: string;
}

/**
 * First attempts, many per job (B7: one job per delivery spent more on the job queue and
 * per-delivery SQL than on HTTP). The sender (webhook-send.ts) claims and reads them in one
 * statement; the batch loads their endpoints, owners and events in three (two at a time), renders each
 * distinct payload once (an event's default body once; a payload document once per event and
 * owner), signs per endpoint, and sends concurrently over kept-alive connections, each endpoint
 * on lanes of its own. Successes are written set-based as they come in (one statement per
 * flush); a failure goes through the deliverer's per-delivery path (retry schedule with jitter,
 * 410, 5-day disabling), whose retries are jobs of their own.
 *
 * Crash safety: only deliveries still PENDING are attempted, and a sender's claim lapses when it
 * dies, so what was sent but not confirmed is sent again — with the same webhook-id.
 */
export class WebhookBatchDeliverer {
  constructor(private readonly deliverer: WebhookDeliverer) {}

  /**
   * Delivers the given deliveries, as the sender's claim read them (PENDING first attempts), in
   * the events' order. No send starts after `sendUntil` (the sender's claim must outlast every
   * send): the ids not started are returned.
   */
  async deliver(ctx: RequestContext, claimed: readonly WebhookDelivery[], options: { sendUntil?: number } = {}): Promise<string[]> {
    const unsent: string[] = [];
    const deliveries = claimed.filter((d) => d.status === WebhookDeliveryStatus.PENDING).sort(inEventOrder);
    if (!deliveries.length) return unsent;
    const em = ctx.em.fork();
    // The events on a connection of their own, beside the endpoints and their owners.
    const [events, endpointList] = await Promise.all([
      ctx.services.eventFeed.byIds(ctx.em.fork(), [...new Set(deliveries.map((d) => d.eventId).filter((id): id is string => !!id))]),
      em.find(WebhookEndpoint, { id: { $in: [...new Set(deliveries.map((d) => d.endpointId))] } }),
    ]);
    const endpoints = new Map(endpointList.map((e) => [e.id, e]));
    const owners = await ownerActors(em, endpointList);
    const bodies = new Map<string, Promise<string>>();
    const body = (event: FeedEvent, query: string | null, owner: Actor): Promise<string> => {
      const key = query === null ? event.id : `${event.id}\n${ownerKey(owner)}\n${query}`;
      let rendered = bodies.get(key);
      if (!rendered) {
        rendered = ctx.services.eventPayloads.render(event, query, owner).then((payload) => JSON.stringify(payload));
        bodies.set(key, rendered);
      }
      return rendered;
    };
    const successes = new SuccessWriter(em);
    try {
      await forEachPerEndpoint(deliveries, IN_FLIGHT_PER_ENDPOINT, async (delivery) => {
        const endpoint = endpoints.get(delivery.endpointId);
        if (!endpoint) return; // deleted since (its deliveries went with it)
        if (options.sendUntil !== undefined && Date.now() > options.sendUntil) {
          unsent.push(delivery.id);
          return;
        }
        if (await this.deliverer.refuseDisabled(ctx, endpoint, delivery, false)) return;
        const now = new Date();
        let response: WebhookResponse;
        let sent = true;
        try {
          const event = delivery.eventId ? events.get(delivery.eventId) : null;
          const prepared = await this.deliverer.prepare(endpoint, delivery, owners.get(endpoint.id), event, now, body);
          sent = !!prepared.request;
          response = await this.deliverer.send(prepared);
        } catch (error) {
          // e.g. a payload document whose resolvers threw: retried on the schedule like a failed send.
          response = { kind: 'error', error: `The payload could not be rendered: ${(error as Error).message}`, latencyMs: 0 };
        }
        if (sent && this.deliverer.judge(endpoint.kind, response).ok && response.kind === 'response') {
          successes.add({
            id: delivery.id,
            at: now.toISOString(),
            latency: response.latencyMs,
            status: response.status,
            excerpt: excerpt(response.body),
          });
          // Counted when sent: a batch whose write then fails sends (and counts) again on retry.
          observeWebhookDelivery(WebhookDeliveryStatus.SUCCEEDED, delivery.createdAt, now);
          return;
        }
        await this.deliverer.record(ctx, delivery.id, endpoint.kind, false, response, { final: !sent, attemptedAt: now });
      });
    } finally {
      await successes.close();
    }
    return unsent;
  }
}

/** By the event's sequence (a bigint read as text), then by creation. */
function inEventOrder(a: WebhookDelivery, b: WebhookDelivery): number {
  const x = a.eventSequence ?? '';
  const y = b.eventSequence ?? '';
  if (x !== y) return x.length - y.length || (x < y ? -1 : 1);
  return a.createdAt.getTime() - b.createdAt.getTime();
}

/** Who an owner is, for the render cache: a payload document's result may depend on the actor beyond its permissions. */
function ownerKey(owner: Actor): string {
  return owner.kind === 'user' ? `user:${owner.userId}` : `key:${owner.apiKeyId}`;
}

/**
 * Writes successful attempts in one statement per flush: the deliveries, and the endpoints'
 * streak (ended) and last delivery (written only when seconds old, as the single path does).
 * A failed write fails the batch job: its unconfirmed deliveries are still PENDING and are sent
 * again when the job is retried.
 */
class SuccessWriter {
  private pending: Success[] = [];
  private timer: NodeJS.Timeout | null = null;
  private written: Promise<void> = Promise.resolve();

  constructor(private readonly em: EntityManager) {}

  add(success: Success): void {
    this.pending.push(success);
    if (this.pending.length >= FLUSH_AT) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
  }

  async close(): Promise<void> {
    this.flush();
    await this.written;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    if (!rows.length) return;
    this.pending = [];
    this.written = this.written.then(() => this.write(rows));
    // Observed at close(); until then a failure must not count as unhandled.
    this.written.catch(() => undefined);
  }

  private async write(rows: Success[]): Promise<void> {
    await this.em.getConnection().execute(
      `with done as (
         update webhook_delivery d
            set status = 'SUCCEEDED', attempts = d.attempts + 1, last_attempt_at = u.at, latency_ms = u.latency,
                response_status = u.status, response_excerpt = u.excerpt, error = null, next_attempt_at = null
           from json_to_recordset(?::json) as u(id uuid, at timestamptz, latency int, status int, excerpt text)
          where d.id = u.id
         returning d.endpoint_id, d.test, u.at)
       update webhook_endpoint e set failing_since = null, last_delivery_at = x.at
         from (select endpoint_id, max(at) as at from done where not test group by endpoint_id) x
        where e.id = x.endpoint_id
          and (e.failing_since is not null or e.last_delivery_at is null or e.last_delivery_at < x.at - interval '5 seconds')`,
      [JSON.stringify(rows)],
      'all',
    );
  }
}

/** Runs `fn` over each endpoint's deliveries (in their order), at most `limit` of one endpoint at once, all endpoints side by side. */
async function forEachPerEndpoint(
  deliveries: readonly WebhookDelivery[],
  limit: number,
  fn: (delivery: WebhookDelivery) => Promise<void>,
): Promise<void> {
  const byEndpoint = new Map<string, WebhookDelivery[]>();
  for (const delivery of deliveries) {
    let group = byEndpoint.get(delivery.endpointId);
    if (!group) byEndpoint.set(delivery.endpointId, (group = []));
    group.push(delivery);
  }
  await Promise.all([...byEndpoint.values()].map((group) => forEachLimited(group, limit, fn)));
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
