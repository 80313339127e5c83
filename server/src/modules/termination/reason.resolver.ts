import type { ReasonCategory } from '@ot/shared';
import { MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { ReasonCategoryEnum, TerminationFault, TerminationReason } from './termination-reason.entity.js';
import { resultUnion } from '../../common/result-union.js';

@InputType()
export class TerminationReasonInput {
  @Field(() => String, { nullable: true, description: 'Only when creating; codes never change' })
  @MaxLength(40)
  code?: string;
  @Field(() => String)
  @MaxLength(100)
  labelZh!: string;
  @Field(() => String)
  @MaxLength(100)
  labelEn!: string;
  @Field(() => ReasonCategoryEnum)
  category!: ReasonCategory;
  @Field(() => TerminationFault, { nullable: true, description: 'Who causes it; required when creating, kept when omitted on update' })
  fault?: TerminationFault | null;
  @Field(() => Boolean)
  customerConfirmationDefault!: boolean;
  @Field(() => Boolean, { nullable: true })
  explanationRequired?: boolean | null;
  @Field(() => Int, { nullable: true })
  sortOrder?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'false deactivates: kept for history, no longer offered' })
  active?: boolean | null;
}

export const TerminationReasonResult = resultUnion('TerminationReasonResult', TerminationReason, [InputError, NotFoundError]);

@Resolver(() => TerminationReason)
export class ReasonResolver {
  @Authorized()
  @Query(() => [TerminationReason], { description: 'Active reasons; includeInactive adds retired ones (for filters over history)' })
  terminationReasons(@Ctx() ctx: RequestContext, @Arg('includeInactive', () => Boolean, { defaultValue: false }) includeInactive: boolean) {
    return ctx.services.reasons.list(ctx, includeInactive);
  }

  @Authorized('admin:manage')
  @Mutation(() => TerminationReasonResult)
  createTerminationReason(@Ctx() ctx: RequestContext, @Arg('input', () => TerminationReasonInput) input: TerminationReasonInput) {
    return ctx.services.reasons.create(ctx, { ...input, code: input.code ?? '' });
  }

  @Authorized('admin:manage')
  @Mutation(() => TerminationReasonResult, { description: 'Rename, recategorise, (de)activate' })
  updateTerminationReason(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => TerminationReasonInput) input: TerminationReasonInput,
  ) {
    return ctx.services.reasons.update(ctx, id, input);
  }
}
