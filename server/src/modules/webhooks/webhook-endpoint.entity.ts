import { Entity, Enum, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { DomainEventType } from '../../kernel/domain-events.js';
import { EventType } from '../events/event.types.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const WebhookEndpointKind = graphqlEnum('WebhookEndpointKind', ['GENERIC', 'WECOM', 'DINGTALK', 'FEISHU'], {
  description: 'GENERIC: Standard Webhooks JSON; WECOM, DINGTALK, FEISHU: that vendor’s group robot message',
});
export type WebhookEndpointKind = EnumValue<typeof WebhookEndpointKind>;

/** What a sealed signing secret is bound to (SecretBox additional data): its endpoint. */
export const secretPurpose = (endpointId: string) => `webhook-secret:${endpointId}`;

/**
 * Where events are sent. Owned by the admin user or the API key that created it: a key manages
 * only its own endpoints, and events are delivered (and payloads rendered) with the owner's
 * permissions. The signing secret is kept sealed (common/secret-box.ts), never in clear.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint extends BaseEntity<
  | 'description'
  | 'payloadQuery'
  | 'enabled'
  | 'disabledReason'
  | 'failingSince'
  | 'lastDeliveryAt'
  | 'ownerUserId'
  | 'ownerApiKeyId'
  | 'secretHint'
  | 'updatedAt'
> {
  @Field(() => String)
  @Property({ type: 'string', length: 2000 })
  url!: string;

  @Field(() => WebhookEndpointKind)
  @Enum({ items: () => WebhookEndpointKind, type: 'string' })
  kind!: WebhookEndpointKind;

  @Field(() => String)
  @Property({ type: 'string', length: 500, default: '' })
  description: string = '';

  /** Dotted domain types ('termination.effective'); GraphQL shows them as EventType values. */
  @Field(() => [EventType])
  @Property({ type: 'json' })
  eventTypes!: DomainEventType[];

  @Field(() => String, { nullable: true, description: 'A GraphQL subscription document over `event`; the default payload when null' })
  @Property({ type: 'text', nullable: true })
  payloadQuery?: string | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;

  @Field(() => String, { nullable: true, description: 'Why the server disabled it (410 Gone, days of failures); null when an admin did' })
  @Property({ type: 'string', length: 300, nullable: true })
  disabledReason?: string | null;

  /** Sealed with SecretBox (purpose 'webhook-secret'); null for IM robots without signing. */
  @Property({ type: 'text', nullable: true, hidden: true })
  secretSealed?: string | null;

  /** The secret's last four characters, to tell secrets apart after a rotation. */
  @Property({ type: 'string', length: 8, nullable: true })
  secretHint?: string | null;

  @Property({ type: 'uuid', nullable: true })
  ownerUserId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  ownerApiKeyId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Since when every attempt failed; null after a success' })
  @Property({ type: 'datetime', nullable: true })
  failingSince?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a delivery last succeeded (to within a few seconds)' })
  @Property({ type: 'datetime', nullable: true })
  lastDeliveryAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
