import { Field, ObjectType } from 'type-graphql';

/** An amount in one currency: amounts of different currencies are listed side by side, never added. */
@ObjectType({ simpleResolvers: true })
export class MoneyByCurrency {
  @Field(() => String)
  currency!: string;
  @Field(() => String)
  amount!: string;
}
