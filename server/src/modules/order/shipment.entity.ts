import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { SalesOrder } from './sales-order.entity.js';
import { SalesOrderLine } from './sales-order-line.entity.js';

export enum ShipmentStatus {
  IN_TRANSIT = 'IN_TRANSIT',
  DELIVERED = 'DELIVERED',
}
registerEnumType(ShipmentStatus, { name: 'ShipmentStatus' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'shipment' })
export class Shipment extends SyncedEntity {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @ManyToOne(() => SalesOrder, { index: true })
  order!: SalesOrder;

  @ManyToOne(() => SalesOrderLine, { index: true })
  line!: SalesOrderLine;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => ShipmentStatus)
  @Enum({ items: () => ShipmentStatus, type: 'string' })
  status!: ShipmentStatus;

  @Field(() => String)
  @Property({ type: 'string' })
  carrier!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  shippedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  deliveredAt?: Date | null;
}
