import { Field, Float, Int, ObjectType } from 'type-graphql';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const StatsGroup = graphqlEnum('StatsGroup', ['STATUS', 'REASON', 'DEPARTMENT', 'CUSTOMER', 'PRODUCT', 'MONTH']);
export type StatsGroup = EnumValue<typeof StatsGroup>;

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

@ObjectType({ simpleResolvers: true, description: 'An amount in one currency' })
export class CurrencyAmount {
  @Field(() => String)
  currency!: string;
  @Field(() => String)
  amount!: string;
  @Field(() => Int, { description: 'Terminations the amount is made of' })
  count!: number;
}

@ObjectType({ simpleResolvers: true })
export class ValueByKey {
  @Field(() => String)
  key!: string;
  @Field(() => String)
  label!: string;
  @Field(() => Int)
  count!: number;
  @Field(() => String, {
    description:
      'Terminated value in the base currency, each termination converted at the rate of its submission day; amounts in currencies without a rate that day are left out (see values and missingRates)',
  })
  value!: string;
  @Field(() => [CurrencyAmount], { description: 'Terminated value per order currency, as it is' })
  values!: CurrencyAmount[];
}

@ObjectType({ simpleResolvers: true, description: 'Money of the terminations that took effect in the period, in one currency' })
export class CurrencyFigures {
  @Field(() => String)
  currency!: string;
  @Field(() => Int, { description: 'Terminations (settlements) in this currency' })
  count!: number;
  @Field(() => String)
  terminatedValue!: string;
  @Field(() => String)
  cancellationFees!: string;
  @Field(() => String)
  refunds!: string;
  @Field(() => String, {
    nullable: true,
    description: 'terminatedValue in the base currency at the rate of each effective day; null when any of them had no rate',
  })
  terminatedValueInBase!: string | null;
  @Field(() => Boolean, { description: 'Some of these terminations had no rate into the base currency on their effective day' })
  rateMissing!: boolean;
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
  @Field(() => String, { description: 'ISO 4217 code of every converted figure (BASE_CURRENCY)' })
  baseCurrency!: string;
  @Field(() => String, {
    description:
      'Value terminated by those that took effect in the period, in baseCurrency: each converted at the rate of its effective day (UTC). Amounts in currencies listed in missingRates are left out, never taken at 1; byCurrency has them as they are.',
  })
  terminatedValue!: string;
  @Field(() => String, { description: 'Cancellation fees in baseCurrency, converted like terminatedValue' })
  cancellationFees!: string;
  @Field(() => String, { description: 'Refunds in baseCurrency, converted like terminatedValue' })
  refunds!: string;
  @Field(() => [CurrencyFigures], { description: 'The money figures per order currency, never added across currencies' })
  byCurrency!: CurrencyFigures[];
  @Field(() => [String], {
    description: 'Currencies with amounts that had no rate into baseCurrency on their day: the base-currency figures leave them out',
  })
  missingRates!: string[];
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
