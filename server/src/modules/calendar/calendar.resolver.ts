import { MaxLength } from 'class-validator';
import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { CalendarDay, CalendarDayKindEnum } from './calendar-day.entity.js';

@InputType()
export class CalendarDayInput {
  @Field(() => String, { description: 'YYYY-MM-DD (Asia/Shanghai business day)' })
  @MaxLength(10)
  date!: string;
  @Field(() => CalendarDayKindEnum)
  kind!: CalendarDayKindEnum;
  @Field(() => String)
  @MaxLength(100)
  name!: string;
}

@ObjectType({ simpleResolvers: true })
export class SetCalendarDaysSuccess {
  @Field(() => [CalendarDay])
  days!: CalendarDay[];
}

@ObjectType({ simpleResolvers: true })
export class RemoveCalendarDaySuccess {
  @Field(() => LocalDateResolver)
  date!: string;
}

export const SetCalendarDaysResult = resultUnion('SetCalendarDaysResult', SetCalendarDaysSuccess, [InputError]);
export const RemoveCalendarDayResult = resultUnion('RemoveCalendarDayResult', RemoveCalendarDaySuccess, [InputError, NotFoundError]);

/** The holiday calendar customer reply deadlines are counted on. */
@Resolver()
export class CalendarResolver {
  @Authorized('terminations:read')
  @Query(() => [CalendarDay], { description: 'Holidays and make-up working days of a year, by date' })
  holidayCalendar(@Ctx() ctx: RequestContext, @Arg('year', () => Int) year: number) {
    return ctx.services.calendar.year(ctx, year);
  }

  @Authorized('admin:manage')
  @Mutation(() => SetCalendarDaysResult, { description: 'Admin: mark dates as HOLIDAY or WORKDAY (replacing earlier marks); audited' })
  setCalendarDays(@Ctx() ctx: RequestContext, @Arg('days', () => [CalendarDayInput]) days: CalendarDayInput[]) {
    return ctx.services.calendar.setDays(ctx, days);
  }

  @Authorized('admin:manage')
  @Mutation(() => RemoveCalendarDayResult, { description: 'Admin: the date follows the weekday rule again; audited' })
  removeCalendarDay(@Ctx() ctx: RequestContext, @Arg('date', () => String) date: string) {
    return ctx.services.calendar.removeDay(ctx, date);
  }
}
