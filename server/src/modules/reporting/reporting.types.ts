import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class CountByKey {
  @Field(() => String)
  key!: string;
  @Field(() => String, { nullable: true, description: 'Chinese label, where the key has one' })
  labelZh!: string | null;
  @Field(() => String, { nullable: true })
  labelEn!: string | null;
  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class MonthTrend {
  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;
  @Field(() => Int)
  submitted!: number;
  @Field(() => Int)
  effective!: number;
}

@ObjectType({ description: 'Counts and amounts over terminations submitted in the period' })
export class TerminationStats {
  @Field(() => Date, { nullable: true })
  from!: Date | null;
  @Field(() => Date, { nullable: true })
  to!: Date | null;
  @Field(() => Int)
  total!: number;
  @Field(() => Int, { description: 'Now, regardless of the period' })
  pendingApprovals!: number;
  @Field(() => Int, { description: 'Now, regardless of the period' })
  awaitingCustomer!: number;
  @Field(() => Int, { description: 'Approval steps past due now' })
  overdueSteps!: number;
  @Field(() => Int, { description: 'Took effect in the period' })
  effectiveInPeriod!: number;
  @Field(() => String, { description: 'Value terminated by those that took effect in the period' })
  terminatedValue!: string;
  @Field(() => String)
  cancellationFees!: string;
  @Field(() => String)
  refunds!: string;
  @Field(() => [CountByKey])
  byStatus!: CountByKey[];
  @Field(() => [CountByKey])
  byReason!: CountByKey[];
  @Field(() => [MonthTrend])
  byMonth!: MonthTrend[];
}
