import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'invoice' })
export class Invoice extends SyncedEntity {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @ManyToOne(() => SalesOrder, { index: true })
  order!: SalesOrder;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  issuedOn!: string;
}
