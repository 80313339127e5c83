import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum CalendarDayKindEnum {
  /** A public holiday (or bridging day): not a working day even on a weekday. */
  HOLIDAY = 'HOLIDAY',
  /** A make-up working weekend day (调休上班). */
  WORKDAY = 'WORKDAY',
}
registerEnumType(CalendarDayKindEnum, { name: 'CalendarDayKind' });

/** One exception to "Monday to Friday are working days" (Asia/Shanghai business days). */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'calendar_day' })
export class CalendarDay {
  [OptionalProps]?: 'updatedAt';

  @Field(() => LocalDateResolver)
  @PrimaryKey({ type: 'date' })
  date!: string;

  @Field(() => CalendarDayKindEnum)
  @Enum({ items: () => CalendarDayKindEnum, type: 'string', length: 8 })
  kind!: CalendarDayKindEnum;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
