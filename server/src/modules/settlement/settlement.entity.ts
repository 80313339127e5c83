import { Entity, Enum, OneToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { Termination } from '../termination/termination.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const SettlementKind = graphqlEnum('SettlementKind', ['REFUND', 'FEE', 'NONE']);
export type SettlementKind = EnumValue<typeof SettlementKind>;

export const SettlementStatus = graphqlEnum('SettlementStatus', ['OPEN', 'PARTLY_SETTLED', 'SETTLED']);
export type SettlementStatus = EnumValue<typeof SettlementStatus>;

/** The money side of a termination that took effect: refund owed or fee to invoice. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'settlement' })
export class Settlement extends BaseEntity<'completedAt'> {
  @OneToOne('Termination', { owner: true, unique: true })
  termination!: Termination;

  @Field(() => SettlementKind)
  @Enum({ items: () => SettlementKind, type: 'string' })
  kind!: SettlementKind;

  @Field(() => SettlementStatus)
  @Enum({ items: () => SettlementStatus, type: 'string' })
  status!: SettlementStatus;

  @Field(() => String)
  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  terminatedValue!: string;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amountPaid!: string;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  cancellationFee!: string;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  refundDue!: string;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  feeOutstanding!: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;
}
