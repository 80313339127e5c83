import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { Invoice } from './invoice.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'payment' })
export class Payment extends SyncedEntity<'invoice'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  reference!: string;

  @ManyToOne(() => SalesOrder, { index: true })
  order!: SalesOrder;

  /** The invoice paid, when the payment came with one (ERP sync); the order is the invoice's. */
  @ManyToOne(() => Invoice, { nullable: true, index: true })
  invoice?: Invoice | null;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 16 })
  method!: string;

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  paidOn!: string;
}
