import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';

/**
 * A company we buy from. Purchase orders point here; a supplier's e-mail is where a cancellation
 * notice goes when a termination cancels or reduces one of its purchase orders.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'supplier' })
@Unique({ properties: ['source', 'externalId'] })
export class Supplier extends BaseEntity<'contactName' | 'email' | 'phone' | 'active' | 'source' | 'externalId' | 'updatedAt'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

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

  /** The system a synchronised supplier comes from (e.g. an ERP), with its id there; null when kept here. */
  @Property({ type: 'string', length: 40, nullable: true })
  source?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  externalId?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
