import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { ORDER_STAGES, type OrderStage } from '@ot/shared';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { Customer } from './customer.entity.js';

export const OrderStageEnum = Object.fromEntries(ORDER_STAGES.map((s) => [s, s])) as { [K in OrderStage]: K };
registerEnumType(OrderStageEnum, { name: 'OrderStage', description: 'How far an order has gone: decides the fee' });

@ObjectType({ simpleResolvers: true })
export class ContractClause {
  @Field(() => String)
  code!: string;
  @Field(() => String)
  titleZh!: string;
  @Field(() => String)
  titleEn!: string;
  @Field(() => String)
  textZh!: string;
  @Field(() => String)
  textEn!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Cancellation fee as a fraction of the terminated value, by order stage' })
export class FeeScheduleEntry {
  @Field(() => OrderStageEnum)
  stage!: OrderStage;
  @Field(() => String, { description: 'Decimal fraction, e.g. "0.10" for 10 %' })
  rate!: string;
}

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'contract' })
export class Contract extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @ManyToOne(() => Customer, { index: true })
  customer!: Customer;

  @Field(() => String)
  @Property({ type: 'string' })
  title!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  noticeDays!: number;

  @Field(() => [FeeScheduleEntry])
  @Property({ type: 'json' })
  feeSchedule!: FeeScheduleEntry[];

  @Field(() => Boolean, { description: 'Whether the customer must confirm any termination under this contract' })
  @Property({ type: 'boolean' })
  customerConfirmationRequired!: boolean;

  @Field(() => [ContractClause])
  @Property({ type: 'json' })
  clauses!: ContractClause[];

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  validFrom!: string;
}
