import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { Product } from './product.entity.js';
import type { SalesOrder } from './sales-order.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'sales_order_line' })
@Unique({ properties: ['order', 'lineNo'] })
export class SalesOrderLine extends SyncedEntity<'shippedQuantity' | 'terminatedQuantity' | 'openQuantity'> {
  @ManyToOne('SalesOrder')
  order!: SalesOrder;

  @Field(() => Int)
  @Property({ type: 'integer' })
  lineNo!: number;

  @ManyToOne(() => Product, { index: true })
  product!: Product;

  @Field(() => Int, { description: 'Ordered quantity' })
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  shippedQuantity: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  terminatedQuantity: number = 0;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  unitPrice!: string;

  /** Quantity neither shipped nor terminated: what a termination can still take. */
  @Field(() => Int)
  get openQuantity(): number {
    return this.quantity - this.shippedQuantity - this.terminatedQuantity;
  }
}
