import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { NamedSyncedEntity } from '../../common/synced.entity.js';

/**
 * A company we buy from. Purchase orders point here; a supplier's e-mail is where a cancellation
 * notice goes when a termination cancels or reduces one of its purchase orders.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'supplier' })
@Unique({ properties: ['source', 'externalId'] })
export class Supplier extends NamedSyncedEntity<'contactName' | 'email' | 'phone' | 'active'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  /** Null for suppliers carried over from purchase orders, which named no contact. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', nullable: true })
  contactName?: string | null;

  @Field(() => String, { nullable: true, description: 'Where cancellation notices go; without it Purchasing is asked to phone' })
  @Property({ type: 'string', nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  phone?: string | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  active: boolean = true;
}
