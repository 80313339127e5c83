import { Entity, Enum, Property } from '@mikro-orm/core';
import { REASON_CATEGORIES, type ReasonCategory } from '@ot/shared';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const ReasonCategoryEnum = graphqlEnum('ReasonCategory', REASON_CATEGORIES);

/**
 * Who causes a termination for this reason. The contract's cancellation fee is owed only
 * "因买方原因" (when the buyer causes it), so only BUYER reasons charge it.
 */
export const TerminationFault = graphqlEnum('TerminationFault', ['BUYER', 'SELLER', 'NONE'], {
  description: 'Who causes the termination: the buyer (the contract fee applies), the seller, or neither (e.g. force majeure)',
  valuesConfig: {
    BUYER: { description: 'The buyer causes it: the contract cancellation fee applies' },
    SELLER: { description: 'We cause it (supply, discontinuation, our decision or error): no fee' },
    NONE: { description: 'Neither party (e.g. force majeure): no fee' },
  },
});
export type TerminationFault = EnumValue<typeof TerminationFault>;

/** A controlled reason for terminating; admins maintain the catalog, used ones are never deleted. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'termination_reason' })
export class TerminationReason extends BaseEntity<'active' | 'sortOrder' | 'explanationRequired'> {
  @Field(() => String)
  @Property({ type: 'string', length: 40, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  labelZh!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  labelEn!: string;

  @Field(() => ReasonCategoryEnum)
  @Enum({ items: () => [...REASON_CATEGORIES], type: 'string' })
  category!: ReasonCategory;

  @Field(() => TerminationFault, { description: 'Who causes a termination for this reason; only BUYER charges the contract fee' })
  @Enum({ items: () => TerminationFault, type: 'string' })
  fault!: TerminationFault;

  @Field(() => Boolean, { description: 'Whether the customer must confirm by default' })
  @Property({ type: 'boolean' })
  customerConfirmationDefault!: boolean;

  @Field(() => Boolean, { description: 'Whether the explanation must say more than the reason (e.g. OTHER)' })
  @Property({ type: 'boolean', default: false })
  explanationRequired: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Field(() => Int)
  @Property({ type: 'integer', default: 100 })
  sortOrder: number = 100;
}
