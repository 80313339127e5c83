import { Entity, Index, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BilingualSyncedEntity } from '../../common/synced.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'customer' })
@Index({ name: 'customer_name_trgm', expression: 'create index customer_name_trgm on customer using gin (name gin_trgm_ops)' })
export class Customer extends BilingualSyncedEntity<'terminationCount' | 'lastTerminationAt' | 'notes' | 'language'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  contactName!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', nullable: true })
  phone?: string | null;

  @Field(() => String)
  @Property({ type: 'string' })
  city!: string;

  /** The language the customer is written to in ("zh-CN" or "en", from sync); null: the product's default, Chinese. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 8, nullable: true })
  language?: string | null;

  /** Kept up to date when a termination takes effect: the customer's termination history. */
  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  terminationCount: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastTerminationAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;
}
