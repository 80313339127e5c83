import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import { Warehouse } from './warehouse.entity.js';

export enum ReservationStatus {
  ACTIVE = 'ACTIVE',
  RELEASED = 'RELEASED',
  CONSUMED = 'CONSUMED',
}
registerEnumType(ReservationStatus, { name: 'ReservationStatus' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'reservation' })
export class Reservation extends SyncedEntity<'releasedAt'> {
  @ManyToOne(() => SalesOrderLine, { index: true })
  salesOrderLine!: SalesOrderLine;

  @ManyToOne(() => Warehouse)
  warehouse!: Warehouse;

  @ManyToOne(() => Product)
  product!: Product;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => ReservationStatus)
  @Enum({ items: () => ReservationStatus, type: 'string' })
  status!: ReservationStatus;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  releasedAt?: Date | null;
}
