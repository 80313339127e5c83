import { MaxLength } from 'class-validator';
import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { ExchangeRate } from './exchange-rate.entity.js';

@InputType()
export class SetExchangeRateInput {
  @Field(() => String, { description: 'ISO 4217 code, three capital letters; not the base currency' })
  @MaxLength(8)
  currency!: string;
  @Field(() => String, { description: 'Units of the base currency per unit of `currency`, a decimal string above 0' })
  @MaxLength(30)
  rate!: string;
  @Field(() => LocalDateResolver, { description: 'First day the rate applies (UTC); the same day again replaces its rate' })
  validFrom!: string;
}

@ObjectType({ simpleResolvers: true })
export class ExchangeRateDeleted {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The exchange-rate table and the currency it converts into' })
export class ExchangeRateTable {
  @Field(() => String, { description: 'Every converted figure is in this currency (BASE_CURRENCY)' })
  baseCurrency!: string;
  @Field(() => [ExchangeRate], { description: 'By currency, newest first' })
  rates!: ExchangeRate[];
}

export const SetExchangeRateResult = resultUnion('SetExchangeRateResult', ExchangeRate, [InputError]);
export const DeleteExchangeRateResult = resultUnion('DeleteExchangeRateResult', ExchangeRateDeleted, [NotFoundError]);

/** Admins keep the rates that turn other currencies into the base currency. */
@Resolver()
export class ExchangeRateResolver {
  @Authorized('terminations:read')
  @Query(() => ExchangeRateTable)
  async exchangeRates(@Ctx() ctx: RequestContext): Promise<ExchangeRateTable> {
    return { baseCurrency: ctx.services.exchangeRates.baseCurrency, rates: await ctx.services.exchangeRates.list(ctx) };
  }

  @Authorized('admin:manage')
  @Mutation(() => SetExchangeRateResult, { description: 'Creates the rate from a day on, or replaces that day’s rate' })
  setExchangeRate(@Ctx() ctx: RequestContext, @Arg('input', () => SetExchangeRateInput) input: SetExchangeRateInput) {
    return ctx.services.exchangeRates.set(ctx, input);
  }

  @Authorized('admin:manage')
  @Mutation(() => DeleteExchangeRateResult)
  deleteExchangeRate(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return ctx.services.exchangeRates.delete(ctx, id);
  }
}
