import { Entity, Index, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';

/** An in-app message for one user. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'notification' })
@Index({ properties: ['userId', 'createdAt'] })
export class Notification extends BaseEntity<'readAt' | 'terminationId' | 'link'> {
  @Property({ type: 'uuid' })
  userId!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 40 })
  kind!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

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
