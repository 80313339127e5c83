import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ForbiddenActionError, IdempotencyKeyReusedError, InputError, NotFoundError } from '../../common/business-errors.js';
import { ConnectionType } from '../../common/pagination.js';
import { resultUnion } from '../../common/result-union.js';
import type { DomainEventType } from '../../kernel/domain-events.js';
import { EventType } from '../events/event.types.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint, WebhookEndpointKind } from './webhook-endpoint.entity.js';

export const URL_MAX = 2000;

export const PAYLOAD_QUERY_MAX = 10_000;
export const DESCRIPTION_MAX = 500;

@InputType()
export class CreateWebhookEndpointInput {
  // Length is checked by the service, so that a long URL is an InputError like every other bad URL.
  @Field(() => String, { description: 'https:// (or http://) URL, at most 2000 characters; must reach a public address' })
  url!: string;

  @Field(() => [EventType])
  @ArrayMaxSize(200)
  eventTypes!: DomainEventType[];

  @Field(() => String, { nullable: true, description: 'A GraphQL subscription document over `event`; the default payload when null' })
  @MaxLength(PAYLOAD_QUERY_MAX)
  payloadQuery?: string | null;

  @Field(() => WebhookEndpointKind, { nullable: true, description: 'Default GENERIC' })
  kind?: WebhookEndpointKind | null;

  @Field(() => String, { nullable: true })
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'IM kinds only: the robot’s signing secret (DingTalk SEC…, Feishu); GENERIC endpoints get a generated whsec_ secret',
  })
  @MaxLength(200)
  signingSecret?: string | null;

  @Field(() => String, { nullable: true, description: 'Same key + same input returns the same endpoint (and secret)' })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [EventType], { nullable: true })
  @ArrayMaxSize(200)
  eventTypes?: DomainEventType[] | null;

  @Field(() => String, { nullable: true, description: 'An empty string returns to the default payload; omitted keeps it' })
  @MaxLength(PAYLOAD_QUERY_MAX)
  payloadQuery?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Enabling clears the reason it was disabled and its failure streak' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'IM kinds only: replaces the robot’s signing secret (an empty string removes it)' })
  @MaxLength(200)
  signingSecret?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class CreateWebhookEndpointSuccess {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
  @Field(() => String, { nullable: true, description: 'The whsec_ signing secret, shown this once; null for IM kinds' })
  secret!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class UpdateWebhookEndpointSuccess {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
}

@ObjectType({ simpleResolvers: true })
export class DeleteWebhookEndpointSuccess {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true })
export class RotateWebhookSecretSuccess {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
  @Field(() => String, { description: 'The new whsec_ signing secret, shown this once; the old one stops at once' })
  secret!: string;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliverySuccess {
  @Field(() => WebhookDelivery)
  delivery!: WebhookDelivery;
}

export const CreateWebhookEndpointResult = resultUnion('CreateWebhookEndpointResult', CreateWebhookEndpointSuccess, [
  InputError,
  IdempotencyKeyReusedError,
]);
export const UpdateWebhookEndpointResult = resultUnion('UpdateWebhookEndpointResult', UpdateWebhookEndpointSuccess, [
  InputError,
  NotFoundError,
  ForbiddenActionError,
]);
export const DeleteWebhookEndpointResult = resultUnion('DeleteWebhookEndpointResult', DeleteWebhookEndpointSuccess, [NotFoundError]);
export const RotateWebhookSecretResult = resultUnion('RotateWebhookSecretResult', RotateWebhookSecretSuccess, [InputError, NotFoundError]);
export const SendTestWebhookResult = resultUnion('SendTestWebhookResult', WebhookDeliverySuccess, [NotFoundError, ForbiddenActionError]);
export const RedeliverWebhookResult = resultUnion('RedeliverWebhookResult', WebhookDeliverySuccess, [NotFoundError, ForbiddenActionError]);

export const WebhookDeliveryConnection = ConnectionType('WebhookDelivery', WebhookDelivery);
