import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'payment' })
export class Payment extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  reference!: string;

  @ManyToOne(() => SalesOrder, { index: true })
  order!: SalesOrder;

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
