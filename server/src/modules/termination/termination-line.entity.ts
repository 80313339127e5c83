import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import type { Termination } from './termination.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'termination_line' })
@Unique({ properties: ['termination', 'salesOrderLine'] })
export class TerminationLine extends BaseEntity {
  @ManyToOne('Termination', { index: true })
  termination!: Termination;

  @ManyToOne(() => SalesOrderLine, { index: true })
  salesOrderLine!: SalesOrderLine;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => String, { description: 'quantity × unit price' })
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;
}
