import { MaxLength } from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError } from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { ApprovalRule } from './approval-rule.entity.js';
import { ApprovalRulePreviewInput, ApprovalRulePreviewResult, PREVIEW_SAMPLE } from './approval-rule-preview.js';

@InputType()
export class ApprovalRuleInput {
  @Field(() => String, { nullable: true, description: 'Only when creating' })
  @MaxLength(40)
  code?: string | null;
  @Field(() => String)
  @MaxLength(32)
  department!: string;
  @Field(() => Int)
  stage!: number;
  @Field(() => GraphQLJSON, { description: '{always:true} | {fact, op, value} | {all:[…]} | {any:[…]}' })
  condition!: unknown;
  @Field(() => Int)
  slaHours!: number;
  @Field(() => String)
  @MaxLength(200)
  descriptionZh!: string;
  @Field(() => String)
  @MaxLength(200)
  descriptionEn!: string;
  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}

export const ApprovalRuleResult = resultUnion('ApprovalRuleResult', ApprovalRule, [InputError, NotFoundError]);

/** The approval policy is data: admins read and change the rules here. */
@Resolver(() => ApprovalRule)
export class ApprovalRuleResolver {
  @Authorized('terminations:read')
  @Query(() => [ApprovalRule])
  approvalRules(@Ctx() ctx: RequestContext) {
    return ctx.services.approvalRules.list(ctx);
  }

  @Authorized('admin:manage')
  @Query(() => ApprovalRulePreviewResult, {
    description: `Dry run of a draft rule: which of the latest ${PREVIEW_SAMPLE} terminations it would route, by the evaluator routing uses. Changes nothing.`,
  })
  previewApprovalRule(@Ctx() ctx: RequestContext, @Arg('input', () => ApprovalRulePreviewInput) input: ApprovalRulePreviewInput) {
    return ctx.services.approvalRules.preview(ctx, input);
  }

  @FieldResolver(() => GraphQLJSON)
  condition(@Root() rule: ApprovalRule) {
    return rule.condition;
  }

  @Authorized('admin:manage')
  @Mutation(() => ApprovalRuleResult)
  createApprovalRule(@Ctx() ctx: RequestContext, @Arg('input', () => ApprovalRuleInput) input: ApprovalRuleInput) {
    return ctx.services.approvalRules.create(ctx, input);
  }

  @Authorized('admin:manage')
  @Mutation(() => ApprovalRuleResult)
  updateApprovalRule(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ApprovalRuleInput) input: ApprovalRuleInput,
  ) {
    return ctx.services.approvalRules.update(ctx, id, input);
  }
}
