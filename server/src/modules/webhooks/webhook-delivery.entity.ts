import { BigIntType, Entity, Enum, Index, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { DomainEventType } from '../../kernel/domain-events.js';
import { EventType } from '../events/event.types.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const WebhookDeliveryStatus = graphqlEnum('WebhookDeliveryStatus', ['PENDING', 'SUCCEEDED', 'RETRYING', 'FAILED'], {
  description: 'PENDING: not tried yet; RETRYING: failed, another attempt is scheduled; FAILED: no more automatic attempts',
});
export type WebhookDeliveryStatus = EnumValue<typeof WebhookDeliveryStatus>;

/**
 * One event (or test) for one endpoint, and how its attempts went. The same `webhookId` is sent
 * on every attempt, so a receiver drops duplicates by it.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'webhook_delivery' })
@Unique({ name: 'webhook_delivery_endpoint_event_unique', properties: ['endpointId', 'eventId'] })
@Index({ name: 'webhook_delivery_endpoint_created_idx', properties: ['endpointId', 'createdAt', 'id'] })
// What webhook senders claim: first attempts not yet sent (webhook-send.ts).
@Index({
  name: 'webhook_delivery_first_attempt_idx',
  expression: `create index webhook_delivery_first_attempt_idx on webhook_delivery (next_attempt_at) where status = 'PENDING' and attempts = 0 and event_id is not null`,
})
export class WebhookDelivery extends BaseEntity<
  | 'status'
  | 'attempts'
  | 'eventId'
  | 'eventType'
  | 'eventSequence'
  | 'test'
  | 'lastAttemptAt'
  | 'responseStatus'
  | 'latencyMs'
  | 'responseExcerpt'
  | 'error'
  | 'nextAttemptAt'
> {
  @Property({ type: 'uuid' })
  endpointId!: string;

  /** The audit_event row; null for a test delivery. */
  @Property({ type: 'uuid', nullable: true })
  eventId?: string | null;

  @Field(() => String, { description: 'The Standard Webhooks `webhook-id`: the same on every attempt' })
  @Property({ type: 'string', length: 64 })
  webhookId!: string;

  @Field(() => EventType, { nullable: true, description: 'Null for a test delivery (type webhook.test)' })
  @Property({ type: 'string', length: 64, nullable: true })
  eventType?: DomainEventType | null;

  @Field(() => String, { nullable: true, description: 'The event’s global sequence; null for a test delivery' })
  // Read as text: a bigint beyond 2^53 must not lose digits on its way to the client.
  @Property({ type: new BigIntType('string'), nullable: true })
  eventSequence?: string | null;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, type: 'string' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastAttemptAt?: Date | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  responseStatus?: number | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  latencyMs?: number | null;

  @Field(() => String, { nullable: true, description: 'The first KB of the last answer' })
  @Property({ type: 'text', nullable: true })
  responseExcerpt?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, refused address, status …)' })
  @Property({ type: 'string', length: 500, nullable: true })
  error?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt?: Date | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  test: boolean = false;
}
