import { Collection, Entity, Enum, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { PO_STATUSES, type PurchaseOrderStatus } from '@ot/shared';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { PurchaseOrderLine } from './purchase-order-line.entity.js';
import { Supplier } from './supplier.entity.js';

export const PurchaseOrderStatusEnum = Object.fromEntries(PO_STATUSES.map((s) => [s, s])) as {
  [K in PurchaseOrderStatus]: K;
};
registerEnumType(PurchaseOrderStatusEnum, { name: 'PurchaseOrderStatus' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'purchase_order' })
export class PurchaseOrder extends SyncedEntity<'version'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  /** GraphQL reads it, and its code and name, through the resolver (a loader, not a join per PO). */
  @ManyToOne(() => Supplier, { index: true })
  supplier!: Supplier;

  @Field(() => PurchaseOrderStatusEnum)
  @Enum({ items: () => [...PO_STATUSES], type: 'string' })
  status!: PurchaseOrderStatus;

  @Field(() => String)
  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  orderDate!: string;

  /** Penalty rate the supplier charges on cancelled value once the PO is confirmed. */
  @Field(() => String)
  @Property({ type: 'decimal', precision: 5, scale: 4, default: '0' })
  cancellationPenaltyRate!: string;

  @OneToMany(() => PurchaseOrderLine, (line) => line.purchaseOrder)
  lines = new Collection<PurchaseOrderLine>(this);

  @Property({ type: 'integer', version: true, default: 1 })
  version: number = 1;
}
