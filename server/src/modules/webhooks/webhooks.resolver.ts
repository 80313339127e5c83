import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { pageRequest } from '../../common/pagination.js';
import type { RequestContext } from '../../kernel/context.js';
import { ApiKey } from '../identity/api-key.entity.js';
import { User } from '../identity/user.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointResult,
  DeleteWebhookEndpointResult,
  RedeliverWebhookResult,
  RotateWebhookSecretResult,
  SendTestWebhookResult,
  UpdateWebhookEndpointInput,
  UpdateWebhookEndpointResult,
  WebhookDeliveryConnection,
} from './webhooks.types.js';

/** Webhook endpoints: admins manage all, partner keys with WEBHOOKS_MANAGE their own. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized('webhooks:manage')
  @Query(() => [WebhookEndpoint], { description: 'Admins: every endpoint; a partner key: the endpoints it created' })
  webhookEndpoints(@Ctx() ctx: RequestContext) {
    return ctx.services.webhooks.list(ctx);
  }

  @Authorized('webhooks:manage')
  @Query(() => WebhookDeliveryConnection, { description: 'An endpoint’s deliveries, newest first' })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ctx.services.webhooks.deliveries(ctx, endpointId, pageRequest(first, after));
  }

  @Authorized('webhooks:manage')
  @Mutation(() => CreateWebhookEndpointResult)
  createWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput) {
    return ctx.services.webhooks.create(ctx, input);
  }

  @Authorized('webhooks:manage')
  @Mutation(() => UpdateWebhookEndpointResult)
  updateWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput) {
    return ctx.services.webhooks.update(ctx, input);
  }

  @Authorized('webhooks:manage')
  @Mutation(() => DeleteWebhookEndpointResult)
  deleteWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.webhooks.delete(ctx, id);
  }

  @Authorized('webhooks:manage')
  @Mutation(() => RotateWebhookSecretResult)
  rotateWebhookSecret(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.webhooks.rotateSecret(ctx, id);
  }

  @Authorized('webhooks:manage')
  @Mutation(() => SendTestWebhookResult)
  sendTestWebhook(@Ctx() ctx: RequestContext, @Arg('endpointId', () => ID) endpointId: string) {
    return ctx.services.webhooks.sendTest(ctx, endpointId);
  }

  @Authorized('webhooks:manage')
  @Mutation(() => RedeliverWebhookResult)
  redeliverWebhook(@Ctx() ctx: RequestContext, @Arg('deliveryId', () => ID) deliveryId: string) {
    return ctx.services.webhooks.redeliver(ctx, deliveryId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The end of the signing secret (…abcd), to tell secrets apart' })
  secretHint(@Root() endpoint: WebhookEndpoint): string | null {
    return endpoint.secretHint ? `…${endpoint.secretHint}` : null;
  }

  @FieldResolver(() => String, { description: 'Who created it: an admin user or a partner key' })
  async ownerName(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: RequestContext): Promise<string> {
    if (endpoint.ownerUserId) return (await ctx.loaders.one(User, endpoint.ownerUserId))?.name ?? '—';
    const key = endpoint.ownerApiKeyId ? await ctx.loaders.one(ApiKey, endpoint.ownerApiKeyId) : null;
    return key ? `API key ${key.name} (${key.prefix})` : '—';
  }
}
