import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum StatsGroup {
  STATUS = 'STATUS',
  REASON = 'REASON',
  DEPARTMENT = 'DEPARTMENT',
  CUSTOMER = 'CUSTOMER',
  PRODUCT = 'PRODUCT',
  MONTH = 'MONTH',
}
registerEnumType(StatsGroup, { name: 'StatsGroup' });

@ObjectType({ simpleResolvers: true })
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

@ObjectType({ simpleResolvers: true })
export class MonthTrend {
  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;
  @Field(() => Int)
  submitted!: number;
  @Field(() => Int)
  effective!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Median and 90th percentile, in hours' })
export class Duration {
  @Field(() => Int)
  count!: number;
  @Field(() => Float, { nullable: true })
  medianHours!: number | null;
  @Field(() => Float, { nullable: true })
  p90Hours!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class StageCycleTime extends Duration {
  @Field(() => Int)
  stage!: number;
  @Field(() => String)
  department!: string;
}

@ObjectType({ simpleResolvers: true })
export class DepartmentLoad {
  @Field(() => String)
  department!: string;
  @Field(() => Int, { description: 'Approval steps in the period' })
  steps!: number;
  @Field(() => Int, { description: 'Decided after their due time, or still pending past it' })
  slaBreaches!: number;
}

@ObjectType({ simpleResolvers: true })
export class ValueByKey {
  @Field(() => String)
  key!: string;
  @Field(() => String)
  label!: string;
  @Field(() => Int)
  count!: number;
  @Field(() => String, { description: 'Terminated value (order currencies added up as they are)' })
  value!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Counts and amounts over terminations submitted in the period' })
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
  @Field(() => [ValueByKey], { description: 'Top 20 customers' })
  byCustomer!: ValueByKey[];
  @Field(() => [ValueByKey], { description: 'Top 20 products (count = terminations, value = terminated value of that product)' })
  byProduct!: ValueByKey[];
  @Field(() => [DepartmentLoad])
  byDepartment!: DepartmentLoad[];
  @Field(() => Duration, { description: 'Submission → effective' })
  submittedToEffective!: Duration;
  @Field(() => Duration, { description: 'Effective → closed' })
  effectiveToClosed!: Duration;
  @Field(() => [StageCycleTime], { description: 'Stage activation → decision, per stage and department' })
  perStage!: StageCycleTime[];
}
