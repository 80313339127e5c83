import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { ORDER_STAGES, type OrderStage } from '@ot/shared';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { graphqlEnum } from '../../common/graphql-enum.js';
import { SyncedEntity } from '../../common/synced.entity.js';
import { Customer } from './customer.entity.js';

export const OrderStageEnum = graphqlEnum('OrderStage', ORDER_STAGES, { description: 'How far an order has gone: decides the fee' });

/** A clause as read, and as an ERP sends it (the same fields: one class for both GraphQL types). */
@ObjectType({ simpleResolvers: true })
@InputType('ContractClauseInput')
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

export enum SilenceMeans {
  REFUSAL = 'REFUSAL',
  ACCEPTANCE = 'ACCEPTANCE',
}
registerEnumType(SilenceMeans, { name: 'SilenceMeans', description: 'What the contract makes of no reply by the deadline' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'contract' })
export class Contract extends SyncedEntity<'replyWorkingDays' | 'silenceMeans'> {
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

  @Field(() => Int, {
    nullable: true,
    description: 'Working days (Asia/Shanghai, holiday calendar) the customer has to answer; null: CONFIRMATION_VALIDITY_HOURS applies',
  })
  @Property({ type: 'integer', nullable: true })
  replyWorkingDays?: number | null;

  @Field(() => SilenceMeans, { nullable: true, description: 'No reply by the deadline counts as this; null: the link just expires' })
  @Enum({ items: () => SilenceMeans, type: 'string', length: 16, nullable: true })
  silenceMeans?: SilenceMeans | null;

  @Field(() => [ContractClause])
  @Property({ type: 'json' })
  clauses!: ContractClause[];

  @Field(() => LocalDateResolver)
  @Property({ type: 'date' })
  validFrom!: string;
}
