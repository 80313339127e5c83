import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import type { SecretBox } from '../../common/secret-box.js';
import type { Actor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import { enqueueJob } from '../../kernel/jobs.js';
import { observeWebhookDelivery } from '../../kernel/metrics.js';
import { inTransaction, type TransactionScope } from '../../kernel/transaction.js';
import { User } from '../identity/user.entity.js';
import type { NotificationService } from '../notification/notification.service.js';
import type { FeedEvent } from '../events/event-feed.js';
import { mayReadEvent } from '../events/event-catalogue.js';
import { imAccepted, imRequest, imTestRequest, type ImKind } from './im/im-request.js';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity.js';
import { secretPurpose, WebhookEndpoint, WebhookEndpointKind } from './webhook-endpoint.entity.js';
import { excerpt, postWebhook, type WebhookRequest, type WebhookResponse } from './webhook-http.js';
import { ownerActor } from './webhook-owner.js';

export const WEBHOOK_DELIVER_JOB = 'webhook_deliver';
/** An endpoint failing without a break this long is disabled and the admins are told. */
export const DISABLE_AFTER_FAILING_MS = 5 * 86_400_000;

/** The job of one delivery; keyed, so a redelivery replaces a scheduled retry instead of adding one. */
export async function enqueueDelivery(em: EntityManager, deliveryId: string, options: { runAt?: Date; manual?: boolean } = {}) {
  await enqueueJob(
    em,
    WEBHOOK_DELIVER_JOB,
    { deliveryId, ...(options.manual ? { manual: true } : {}) },
    {
      runAt: options.runAt,
      jobKey: `${WEBHOOK_DELIVER_JOB}:${deliveryId}`,
      maxAttempts: DELIVER_JOB_MAX_ATTEMPTS,
    },
  );
}
/**
 * graphile-worker's own retries of the job cover only crashes of our side (database down): the
 * receiver's failures are retried on our schedule, with new jobs run at the next attempt time.
 */
const DELIVER_JOB_MAX_ATTEMPTS = 5;

/** Opened endpoint secrets kept in memory (more endpoints than this: the cache starts over). */
const OPENED_SECRETS_KEPT = 1000;

export interface Prepared {
  request: WebhookRequest | null;
  /** Why nothing is sent (no request): recorded as the delivery's failure. */
  skip?: string;
}

/**
 * Sends one delivery and records the attempt: 2xx succeeds; 410 disables the endpoint; anything
 * else (timeout, refused address, 5xx, a 3xx not followed) schedules the next attempt on the
 * retry schedule with jitter, the same webhook-id each time, until the schedule is spent.
 * The HTTP call happens outside any transaction; the outcome is written in one.
 */
export class WebhookDeliverer {
  private readonly openedSecrets = new Map<string, { secret: string; signer?: Webhook }>();

  constructor(
    private readonly secrets: SecretBox,
    private readonly config: { allowedHosts: readonly string[]; retrySchedule: readonly number[]; publicUrl: string },
    private readonly notifications: NotificationService,
  ) {}

  async attempt(ctx: RequestContext, deliveryId: string, manual: boolean): Promise<void> {
    const em = ctx.em.fork();
    const delivery = await em.findOne(WebhookDelivery, { id: deliveryId });
    if (!delivery) return; // its endpoint was deleted
    if (delivery.status === WebhookDeliveryStatus.SUCCEEDED && !manual) return; // a late duplicate job
    const endpoint = await em.findOne(WebhookEndpoint, { id: delivery.endpointId });
    if (!endpoint) return;
    if (await this.refuseDisabled(ctx, endpoint, delivery, manual)) return;
    const owner = await ownerActor(em, endpoint);
    const event = delivery.eventId ? await ctx.services.eventFeed.byId(em, delivery.eventId) : null;
    const now = new Date();
    const prepared = await this.prepare(endpoint, delivery, owner, event, now, async (e, query, actor) =>
      JSON.stringify(await ctx.services.eventPayloads.render(e, query, actor)),
    );
    const response = await this.send(prepared);
    await this.record(ctx, delivery.id, endpoint.kind, manual, response, { final: !prepared.request, attemptedAt: now });
  }

  /**
   * A disabled endpoint gets nothing (the delivery fails for good), except a test: checking a
   * repaired receiver before enabling it again. True when the delivery was settled here.
   */
  async refuseDisabled(ctx: RequestContext, endpoint: WebhookEndpoint, delivery: WebhookDelivery, manual: boolean): Promise<boolean> {
    if (endpoint.enabled || delivery.test) return false;
    if (delivery.status !== WebhookDeliveryStatus.SUCCEEDED)
      await this.record(
        ctx,
        delivery.id,
        endpoint.kind,
        manual,
        { kind: 'error', error: 'The endpoint is disabled.', latencyMs: 0 },
        { final: true },
      );
    return true;
  }

  /** The HTTP exchange of a prepared delivery, or the reason nothing was sent as its failure. */
  async send(prepared: Prepared): Promise<WebhookResponse> {
    return prepared.request
      ? postWebhook(prepared.request, this.config.allowedHosts)
      : { kind: 'error', error: prepared.skip ?? 'Nothing to send.', latencyMs: 0 };
  }

  /**
   * The request of one delivery from what is loaded: the owner as it is now, the event (null for
   * a test, undefined when no longer retained), and `body`, which renders an event's payload for
   * an owner (a batch renders each distinct payload once and signs it per endpoint).
   */
  prepare(
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    owner: Actor | null | undefined,
    event: FeedEvent | null | undefined,
    now: Date,
    body: (event: FeedEvent, query: string | null, owner: Actor) => Promise<string>,
  ): Promise<Prepared> | Prepared {
    let secret: string | null = null;
    try {
      secret = endpoint.secretSealed ? this.opened(endpoint.id, endpoint.secretSealed).secret : null;
    } catch {
      return { request: null, skip: 'The signing secret cannot be decrypted (was SECRETS_KEY changed?): rotate the secret.' };
    }
    if (endpoint.kind === WebhookEndpointKind.GENERIC && !secret)
      return { request: null, skip: 'The endpoint has no signing secret: rotate it.' };
    if (!owner || owner.permissions.size === 0) return { request: null, skip: 'The endpoint’s owner can no longer act.' };
    if (delivery.eventId && !event) return { request: null, skip: 'The event is no longer retained.' };
    // Deliveries are created from a cache of owners up to a second old: the owner may have lost the right since.
    if (event && !mayReadEvent(owner.permissions, event.type))
      return { request: null, skip: 'The endpoint’s owner may no longer read this event.' };
    if (endpoint.kind !== WebhookEndpointKind.GENERIC) {
      const kind = endpoint.kind as ImKind;
      try {
        // A test has no event: the robot gets a message that says it is a test.
        const request = event
          ? imRequest(kind, endpoint.url, secret, event, { appUrl: this.config.publicUrl }, now)
          : imTestRequest(kind, endpoint.url, secret, { appUrl: this.config.publicUrl }, now);
        return request ? { request } : { request: null, skip: 'IM channels do not announce this event.' };
      } catch (error) {
        return { request: null, skip: `The IM message could not be built: ${(error as Error).message}` };
      }
    }
    const signed = (text: string): Prepared => ({
      request: {
        url: endpoint.url,
        body: text,
        headers: {
          'webhook-id': delivery.webhookId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': this.signer(endpoint.id, endpoint.secretSealed!).sign(delivery.webhookId, now, text),
        },
      },
    });
    return event
      ? body(event, endpoint.payloadQuery ?? null, owner).then(signed)
      : signed(JSON.stringify(testPayload(delivery, endpoint, now)));
  }

  /**
   * The endpoint's secret, opened once and kept by the sealed value (a rotation seals a new
   * one): under load every event is signed for every endpoint.
   */
  private opened(endpointId: string, sealed: string): { secret: string; signer?: Webhook } {
    const key = `${endpointId}:${sealed}`;
    let found = this.openedSecrets.get(key);
    if (!found) {
      found = { secret: this.secrets.open(sealed, secretPurpose(endpointId)) };
      if (this.openedSecrets.size >= OPENED_SECRETS_KEPT) this.openedSecrets.clear();
      this.openedSecrets.set(key, found);
    }
    return found;
  }

  /** The Standard Webhooks signer of a generic endpoint's `whsec_` secret (IM robots' secrets are no such key). */
  private signer(endpointId: string, sealed: string): Webhook {
    const opened = this.opened(endpointId, sealed);
    opened.signer ??= new Webhook(opened.secret);
    return opened.signer;
  }

  async record(
    ctx: RequestContext,
    deliveryId: string,
    kind: WebhookEndpointKind,
    manual: boolean,
    response: WebhookResponse,
    options: { final: boolean; attemptedAt?: Date },
  ): Promise<void> {
    // The outcome as committed (the transaction may run more than once: its last run counts).
    let written: { delivery: WebhookDelivery; at: Date } | undefined;
    await inTransaction(ctx, async (scope) => {
      const { em } = scope;
      written = undefined;
      const delivery = await em.findOne(WebhookDelivery, { id: deliveryId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!delivery) return;
      const at = options.attemptedAt ?? new Date();
      written = { delivery, at };
      const wasFailed = delivery.status === WebhookDeliveryStatus.FAILED;
      delivery.attempts += 1;
      delivery.lastAttemptAt = at;
      delivery.latencyMs = response.latencyMs;
      delivery.nextAttemptAt = null;
      if (response.kind === 'response') {
        delivery.responseStatus = response.status;
        delivery.responseExcerpt = excerpt(response.body);
      } else {
        delivery.responseStatus = null;
        delivery.responseExcerpt = null;
      }
      const outcome = this.judge(kind, response);
      delivery.error = outcome.ok ? null : outcome.error.slice(0, 500);
      if (outcome.ok) {
        delivery.status = WebhookDeliveryStatus.SUCCEEDED;
        // Without locking the endpoint: under load its deliveries succeed side by side, and its
        // row is written only to end a failure streak or when lastDeliveryAt is seconds old.
        if (!delivery.test) {
          await em.nativeUpdate(
            WebhookEndpoint,
            {
              id: delivery.endpointId,
              $or: [{ failingSince: { $ne: null } }, { lastDeliveryAt: null }, { lastDeliveryAt: { $lt: new Date(at.getTime() - 5000) } }],
            },
            { failingSince: null, lastDeliveryAt: at },
          );
        }
        return;
      }
      // A test tells only the admin who sent it; it neither retries nor counts against the endpoint.
      if (delivery.test || options.final) {
        delivery.status = WebhookDeliveryStatus.FAILED;
        return;
      }
      // A failure reads and moves the endpoint's streak: one delivery at a time.
      const endpoint = await em.findOne(WebhookEndpoint, { id: delivery.endpointId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!endpoint) return;
      if (response.kind === 'response' && response.status === 410) {
        delivery.status = WebhookDeliveryStatus.FAILED;
        await this.disable(scope, endpoint, 'The receiver answered 410 Gone.');
        return;
      }
      endpoint.failingSince ??= at;
      if (endpoint.enabled && at.getTime() - endpoint.failingSince.getTime() >= DISABLE_AFTER_FAILING_MS) {
        delivery.status = WebhookDeliveryStatus.FAILED;
        await this.disable(scope, endpoint, 'Every delivery failed for 5 days.');
        return;
      }
      // A manual redelivery of a delivery whose schedule was spent is one more try, no new schedule.
      const retry = manual && wasFailed ? undefined : this.config.retrySchedule[delivery.attempts - 1];
      if (retry === undefined) {
        delivery.status = WebhookDeliveryStatus.FAILED;
        return;
      }
      delivery.status = WebhookDeliveryStatus.RETRYING;
      delivery.nextAttemptAt = new Date(Date.now() + withJitter(retry));
      await em.flush();
      await enqueueDelivery(em, delivery.id, { runAt: delivery.nextAttemptAt });
    });
    if (written) observeWebhookDelivery(written.delivery.status, written.delivery.createdAt, written.at);
  }

  judge(kind: WebhookEndpointKind, response: WebhookResponse): { ok: true } | { ok: false; error: string } {
    if (response.kind === 'error') return { ok: false, error: response.error };
    if (kind !== WebhookEndpointKind.GENERIC) {
      if (response.status === 410) return { ok: false, error: 'HTTP 410' };
      const verdict = imAccepted(kind as ImKind, response.status, response.body);
      return verdict.ok ? { ok: true } : { ok: false, error: verdict.error ?? `HTTP ${response.status}` };
    }
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, error: `HTTP ${response.status}` };
  }

  /** Turns the endpoint off for a reason of the server's, and tells every admin in the app. */
  private async disable(scope: TransactionScope, endpoint: WebhookEndpoint, reason: string): Promise<void> {
    if (!endpoint.enabled) return;
    endpoint.enabled = false;
    endpoint.disabledReason = reason;
    endpoint.updatedAt = new Date();
    const admins = await scope.em.find(User, { role: 'ADMIN', active: true }, { fields: ['id'] });
    await this.notifications.toUsers(
      scope,
      admins.map((u) => u.id),
      {
        kind: 'WEBHOOK_DISABLED',
        params: { host: hostOf(endpoint.url), reason, url: endpoint.url },
        link: '/admin/webhooks',
      },
    );
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** ±20 %: retries of many deliveries that failed together do not all arrive at once. */
function withJitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function testPayload(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: Date): Record<string, unknown> {
  return {
    id: delivery.webhookId,
    sequence: null,
    type: 'webhook.test',
    occurredAt: now.toISOString(),
    data: { endpointId: endpoint.id, message: 'A test message from the order-termination webhooks.' },
  };
}
