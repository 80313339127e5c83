import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { ORDER_STAGES, ORDER_STATUSES, type OrderStage, type OrderStatus } from '@ot/shared';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { Contract, OrderStageEnum } from './contract.entity.js';
import { Customer } from './customer.entity.js';
import { SalesOrderLine } from './sales-order-line.entity.js';

export const OrderStatusEnum = Object.fromEntries(ORDER_STATUSES.map((s) => [s, s])) as { [K in OrderStatus]: K };
registerEnumType(OrderStatusEnum, { name: 'OrderStatus' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'sales_order' })
@Index({
  name: 'sales_order_number_trgm',
  expression: 'create index sales_order_number_trgm on sales_order using gin (number gin_trgm_ops)',
})
@Index({ name: 'sales_order_list_idx', properties: ['orderDate', 'id'] })
export class SalesOrder extends SyncedEntity<'statusBeforeTermination' | 'version'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @ManyToOne(() => Customer, { index: true })
  customer!: Customer;

  @ManyToOne(() => Contract, { index: true })
  contract!: Contract;

  @Field(() => OrderStatusEnum)
  @Enum({ items: () => [...ORDER_STATUSES], type: 'string', index: true })
  status!: OrderStatus;

  /** Restored when a termination ends without taking effect. */
  @Enum({ items: () => [...ORDER_STATUSES], type: 'string', nullable: true })
  statusBeforeTermination?: OrderStatus | null;

  @Field(() => OrderStageEnum)
  @Enum({ items: () => [...ORDER_STAGES], type: 'string' })
  stage!: OrderStage;

  @Field(() => String)
  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Field(() => String, { description: 'Sum of line quantity × unit price' })
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  totalAmount!: string;

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  orderDate!: string;

  @Field(() => LocalDateResolver, { nullable: true })
  @Property({ type: 'date', nullable: true })
  requestedDeliveryDate?: string | null;

  @OneToMany(() => SalesOrderLine, (line) => line.order, { orderBy: { lineNo: 'asc' } })
  lines = new Collection<SalesOrderLine>(this);

  @Property({ type: 'integer', version: true, default: 1 })
  version: number = 1;
}
