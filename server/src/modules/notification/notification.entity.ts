import { Entity, Index, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { Params } from './messages.js';

/** An in-app message for one user. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'notification' })
@Index({ properties: ['userId', 'createdAt'] })
export class Notification extends BaseEntity<'readAt' | 'terminationId' | 'link' | 'messageKey' | 'params'> {
  @Property({ type: 'uuid' })
  userId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 40 })
  kind!: string;

  /** The text as first rendered (the recipient's language); what rows from before message keys show. */
  @Property({ type: 'string' })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  /** The catalogue key (messages.ts) the title and body are rendered from in the reader's language; null on old rows. */
  @Property({ type: 'string', length: 60, nullable: true })
  messageKey?: string | null;

  @Property({ type: 'json', nullable: true })
  params?: Params | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', nullable: true })
  link?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'uuid', nullable: true })
  terminationId?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  readAt?: Date | null;
}
