import { openQuantity } from './open-quantity.js';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import type { PurchaseOrder } from './purchase-order.entity.js';

/** One PO line buys for one sales order line; a PO may hold lines for several sales orders. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'purchase_order_line' })
@Index({
  name: 'purchase_order_line_open_product_idx',
  expression:
    'create index purchase_order_line_open_product_idx on purchase_order_line (product_id) where quantity > received_quantity + cancelled_quantity',
})
export class PurchaseOrderLine extends SyncedEntity<'receivedQuantity' | 'cancelledQuantity' | 'openQuantity'> {
  @ManyToOne('PurchaseOrder', { index: true })
  purchaseOrder!: PurchaseOrder;

  @ManyToOne(() => Product)
  product!: Product;

  @ManyToOne(() => SalesOrderLine, { index: true })
  salesOrderLine!: SalesOrderLine;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  receivedQuantity: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  cancelledQuantity: number = 0;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  unitCost!: string;

  /** Still on order from the supplier: neither received nor cancelled. */
  @Field(() => Int)
  get openQuantity(): number {
    return openQuantity(this);
  }
}
