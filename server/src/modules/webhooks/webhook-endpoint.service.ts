import { randomBytes, randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenActionError, InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { newestFirstPage, type PageRequest } from '../../common/pagination.js';
import type { SecretBox } from '../../common/secret-box.js';
import type { Actor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEventType } from '../../kernel/domain-events.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { inTransaction, isUniqueViolation } from '../../kernel/transaction.js';
import { isEventType, mayReadEvent } from '../events/event-catalogue.js';
import { IM_EVENT_TYPES } from './im/im-request.js';
import { assertPublicUrl, SsrfRefusal } from './ssrf-guard.js';
import { ownerActor, ownerCanAct } from './webhook-owner.js';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity.js';
import { WebhookEndpoint, WebhookEndpointKind } from './webhook-endpoint.entity.js';
import type { WebhookDispatcher } from './webhook-dispatch.js';
import { enqueueDelivery } from './webhook-deliver.js';
import { DESCRIPTION_MAX, URL_MAX, type CreateWebhookEndpointInput, type UpdateWebhookEndpointInput } from './webhooks.types.js';

/** Standard Webhooks secrets: `whsec_` + base64 of random bytes (24 here, 192 bits). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export const secretPurpose = (endpointId: string) => `webhook-secret:${endpointId}`;
const replayPurpose = (endpointId: string) => `webhook-secret-replay:${endpointId}`;

function hint(secret: string | null): string | null {
  return secret ? secret.slice(-4) : null;
}

function isAdmin(actor: Actor): boolean {
  return actor.permissions.has('admin:manage');
}

/**
 * Managing webhook endpoints. Admins manage every endpoint; a partner key with WEBHOOKS_MANAGE
 * sees and manages only the endpoints it created (others' are "not found" to it).
 */
export class WebhookEndpointService {
  constructor(
    private readonly secrets: SecretBox,
    private readonly allowedHosts: readonly string[],
    /** Public for the composition root, which starts its watcher. */
    readonly dispatcher: WebhookDispatcher,
  ) {}

  list(ctx: RequestContext): Promise<WebhookEndpoint[]> {
    const actor = ctx.actor!;
    const where = isAdmin(actor)
      ? {}
      : { ownerApiKeyId: actor.kind === 'apiKey' ? actor.apiKeyId : '00000000-0000-0000-0000-000000000000' };
    return ctx.em.find(WebhookEndpoint, where, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  async deliveries(ctx: RequestContext, endpointId: string, page: PageRequest) {
    const endpoint = await this.visible(ctx.em, ctx.actor!, parseId(endpointId, 'endpointId'));
    if (!endpoint) return newestFirstPage(ctx.em, WebhookDelivery, { endpointId: null }, page);
    return newestFirstPage(ctx.em, WebhookDelivery, { endpointId: endpoint.id }, page);
  }

  async create(ctx: RequestContext, input: CreateWebhookEndpointInput) {
    const actor = ctx.actor!;
    const claim = idempotencyClaim(ctx, 'createWebhookEndpoint', input.idempotencyKey, input);
    return resultOf(async () => {
      const kind = input.kind ?? WebhookEndpointKind.GENERIC;
      const url = await this.checkUrl(input.url);
      // The document first: its refusal says precisely what the owner may not select.
      const payloadQuery = this.checkPayloadQuery(ctx, kind, input.payloadQuery, actor);
      const eventTypes = this.checkEventTypes(kind, input.eventTypes, actor);
      const description = this.checkDescription(input.description);
      let imSecret: string | null = null;
      if (kind === WebhookEndpointKind.GENERIC) {
        if (input.signingSecret)
          refuse(InputError, 'VALIDATION_FAILED', 'GENERIC endpoints get a generated whsec_ secret; leave signingSecret empty.', {
            field: 'signingSecret',
          });
      } else {
        imSecret = input.signingSecret?.trim() || null;
      }
      const replayed = async (em: EntityManager) => {
        const replay = claim ? await findReplay(em, claim) : null;
        if (!replay) return null;
        const endpoint = await em.findOne(WebhookEndpoint, { id: String(replay.endpointId) });
        if (!endpoint) return null;
        const sealed = replay.secretSealed as string | null;
        return { endpoint, secret: sealed ? this.secrets.open(sealed, replayPurpose(endpoint.id)) : null };
      };
      try {
        const outcome = await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          const replay = await replayed(em);
          if (replay) return replay;
          const endpoint = em.create(WebhookEndpoint, {
            url,
            kind,
            description,
            eventTypes,
            payloadQuery,
            ownerUserId: actor.kind === 'user' ? actor.userId : null,
            ownerApiKeyId: actor.kind === 'apiKey' ? actor.apiKeyId : null,
          });
          const secret = kind === WebhookEndpointKind.GENERIC ? newSigningSecret() : imSecret;
          endpoint.secretSealed = secret ? this.secrets.seal(secret, secretPurpose(endpoint.id)) : null;
          endpoint.secretHint = hint(secret);
          // The replay keeps the secret sealed too: a retried create gets the same secret back.
          if (claim) {
            const shown = kind === WebhookEndpointKind.GENERIC ? secret : null;
            await saveReplay(em, claim, {
              endpointId: endpoint.id,
              secretSealed: shown ? this.secrets.seal(shown, replayPurpose(endpoint.id)) : null,
            });
          }
          scope.afterCommit(() => this.dispatcher.endpointsChanged(true));
          return { endpoint, secret: kind === WebhookEndpointKind.GENERIC ? secret : null };
        });
        return outcome;
      } catch (error) {
        if (claim && isUniqueViolation(error, 'idempotency_record_pkey')) {
          const replay = await replayed(ctx.em.fork());
          if (replay) return replay;
        }
        throw error;
      }
    });
  }

  async update(ctx: RequestContext, input: UpdateWebhookEndpointInput) {
    const actor = ctx.actor!;
    const id = parseId(input.id, 'id');
    return resultOf(async () => {
      const url = input.url == null ? null : await this.checkUrl(input.url);
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const endpoint = await this.visible(em, actor, id, true);
        if (!endpoint) refuse(NotFoundError, 'NOT_FOUND', 'No such webhook endpoint.');
        // What the endpoint may receive and select is judged with its owner's permissions.
        const owner = await ownerActor(em, endpoint);
        if (url) endpoint.url = url;
        if (input.eventTypes != null) endpoint.eventTypes = this.checkEventTypes(endpoint.kind, input.eventTypes, owner);
        if (input.payloadQuery !== undefined) endpoint.payloadQuery = this.checkPayloadQuery(ctx, endpoint.kind, input.payloadQuery, owner);
        if (input.description != null) endpoint.description = this.checkDescription(input.description);
        if (input.signingSecret != null) {
          if (endpoint.kind === WebhookEndpointKind.GENERIC)
            refuse(InputError, 'VALIDATION_FAILED', 'A GENERIC endpoint’s secret is generated: use rotateWebhookSecret.', {
              field: 'signingSecret',
            });
          const secret = input.signingSecret.trim() || null;
          endpoint.secretSealed = secret ? this.secrets.seal(secret, secretPurpose(endpoint.id)) : null;
          endpoint.secretHint = hint(secret);
        }
        if (input.enabled != null && input.enabled !== endpoint.enabled) {
          if (input.enabled && !ownerCanAct(owner))
            refuse(
              ForbiddenActionError,
              'FORBIDDEN_ACTION',
              'The owner of this endpoint can no longer act (key revoked or expired, user inactive).',
            );
          endpoint.enabled = input.enabled;
          // Enabled again: a fresh start, the old failure streak does not count.
          endpoint.disabledReason = null;
          endpoint.failingSince = null;
        }
        endpoint.updatedAt = new Date();
        scope.afterCommit(() => this.dispatcher.endpointsChanged(endpoint.enabled || undefined));
        return { endpoint };
      });
    });
  }

  async delete(ctx: RequestContext, endpointId: string) {
    const id = parseId(endpointId, 'id');
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const endpoint = await this.visible(scope.em, ctx.actor!, id, true);
        if (!endpoint) refuse(NotFoundError, 'NOT_FOUND', 'No such webhook endpoint.');
        // Its deliveries go with it (on delete cascade); their pending jobs find nothing to do.
        await scope.em.nativeDelete(WebhookEndpoint, { id });
        scope.afterCommit(() => this.dispatcher.endpointsChanged());
        return { id };
      }),
    );
  }

  async rotateSecret(ctx: RequestContext, endpointId: string) {
    const id = parseId(endpointId, 'id');
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const endpoint = await this.visible(scope.em, ctx.actor!, id, true);
        if (!endpoint) refuse(NotFoundError, 'NOT_FOUND', 'No such webhook endpoint.');
        if (endpoint.kind !== WebhookEndpointKind.GENERIC)
          refuse(
            InputError,
            'VALIDATION_FAILED',
            'An IM robot’s secret comes from the vendor: paste it as signingSecret with updateWebhookEndpoint.',
            {
              field: 'id',
            },
          );
        const secret = newSigningSecret();
        endpoint.secretSealed = this.secrets.seal(secret, secretPurpose(endpoint.id));
        endpoint.secretHint = hint(secret);
        endpoint.updatedAt = new Date();
        return { endpoint, secret };
      }),
    );
  }

  /** A `webhook.test` message to the endpoint, recorded as a test delivery and sent by the worker. */
  async sendTest(ctx: RequestContext, endpointId: string) {
    const id = parseId(endpointId, 'endpointId');
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const endpoint = await this.visible(em, ctx.actor!, id);
        if (!endpoint) refuse(NotFoundError, 'NOT_FOUND', 'No such webhook endpoint.');
        if (!ownerCanAct(await ownerActor(em, endpoint)))
          refuse(
            ForbiddenActionError,
            'FORBIDDEN_ACTION',
            'The owner of this endpoint can no longer act (key revoked or expired, user inactive).',
          );
        const delivery = em.create(WebhookDelivery, {
          endpointId: endpoint.id,
          eventId: null,
          webhookId: `test_${randomUUID()}`,
          test: true,
          nextAttemptAt: new Date(),
        });
        await em.flush();
        await enqueueDelivery(em, delivery.id);
        return { delivery };
      }),
    );
  }

  /** Another attempt of the same delivery now, with the same webhook-id. */
  async redeliver(ctx: RequestContext, deliveryId: string) {
    const id = parseId(deliveryId, 'deliveryId');
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const delivery = await em.findOne(WebhookDelivery, { id });
        const endpoint = delivery ? await this.visible(em, ctx.actor!, delivery.endpointId) : null;
        if (!delivery || !endpoint) refuse(NotFoundError, 'NOT_FOUND', 'No such webhook delivery.');
        if (!endpoint.enabled) refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'The endpoint is disabled: enable it first.');
        delivery.nextAttemptAt = new Date();
        if (delivery.status === WebhookDeliveryStatus.SUCCEEDED) delivery.status = WebhookDeliveryStatus.PENDING;
        await em.flush();
        await enqueueDelivery(em, delivery.id, { manual: true });
        return { delivery };
      }),
    );
  }

  /** The endpoint if the actor may see it: admins see all, a key only its own. */
  private async visible(em: EntityManager, actor: Actor, id: string, lock = false): Promise<WebhookEndpoint | null> {
    const endpoint = await em.findOne(WebhookEndpoint, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!endpoint) return null;
    if (isAdmin(actor)) return endpoint;
    return actor.kind === 'apiKey' && endpoint.ownerApiKeyId === actor.apiKeyId ? endpoint : null;
  }

  private async checkUrl(text: string): Promise<string> {
    const value = text.trim();
    const bad = (message: string): never => refuse(InputError, 'VALIDATION_FAILED', message, { field: 'url' });
    if (!value || value.length > URL_MAX) bad(`Give an http(s) URL of at most ${URL_MAX} characters.`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return bad('The URL is not valid.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') bad('The URL must start with https:// (or http://).');
    if (url.username || url.password) bad('Put no credentials in the URL: receivers check the signature instead.');
    try {
      await assertPublicUrl(url, this.allowedHosts);
    } catch (error) {
      if (error instanceof SsrfRefusal) bad(error.message);
      throw error;
    }
    return value;
  }

  private checkEventTypes(kind: WebhookEndpointKind, types: readonly string[], owner: Actor | null): DomainEventType[] {
    const unique = [...new Set(types)];
    const bad = (message: string): never => refuse(InputError, 'VALIDATION_FAILED', message, { field: 'eventTypes' });
    if (!unique.length) bad('Choose at least one event type.');
    for (const type of unique) {
      if (!isEventType(type)) bad(`Unknown event type ${type}.`);
      if (!owner || !mayReadEvent(owner.permissions, type)) bad(`The endpoint’s owner may not read ${type} events.`);
      if (kind !== WebhookEndpointKind.GENERIC && !IM_EVENT_TYPES.includes(type as DomainEventType))
        bad(`IM channels do not announce ${type} events.`);
    }
    return unique as DomainEventType[];
  }

  private checkPayloadQuery(
    ctx: RequestContext,
    kind: WebhookEndpointKind,
    text: string | null | undefined,
    owner: Actor | null,
  ): string | null {
    const query = text?.trim() || null;
    if (!query) return null;
    if (kind !== WebhookEndpointKind.GENERIC)
      refuse(
        InputError,
        'VALIDATION_FAILED',
        'IM channels send the vendor’s message format; a payload document applies to GENERIC endpoints.',
        {
          field: 'payloadQuery',
        },
      );
    if (!owner) refuse(InputError, 'VALIDATION_FAILED', 'The endpoint’s owner can no longer act.', { field: 'payloadQuery' });
    // Checked with the owner's permissions: the document later runs as the owner.
    const problem = ctx.services.eventPayloads.validate(query, owner);
    if (problem) refuse(InputError, 'VALIDATION_FAILED', problem, { field: 'payloadQuery' });
    return query;
  }

  private checkDescription(text: string | null | undefined): string {
    const value = (text ?? '').trim();
    if (value.length > DESCRIPTION_MAX)
      refuse(InputError, 'VALIDATION_FAILED', `At most ${DESCRIPTION_MAX} characters.`, { field: 'description' });
    return value;
  }
}
