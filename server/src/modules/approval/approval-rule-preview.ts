import { isDepartmentCode } from '@ot/shared';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { resultUnion } from '../../common/result-union.js';
import { approvalFacts } from '../termination/approval-facts.js';
import { ApprovalRouteStep } from '../termination/impact.types.js';
import { Termination } from '../termination/termination.entity.js';
import { ApprovalPolicyService } from './approval-policy.service.js';
import { planApprovalRoute, type RouteRule } from './approval-route.js';
import { ApprovalRule } from './approval-rule.entity.js';
import { evaluate, inBaseCurrency, validateCondition, type RuleCondition } from './rule-condition.js';

/** How many of the latest terminations a preview looks at. */
export const PREVIEW_SAMPLE = 50;
/** The longest condition (as JSON) a rule may have. */
const MAX_CONDITION_CHARS = 4000;
/** What a rule is called in a preview before it has a code. */
const UNSAVED = 'PREVIEW';

@InputType()
export class ApprovalRulePreviewInput {
  @Field(() => ID, { nullable: true, description: 'The rule being edited: the preview puts the draft in its place' })
  ruleId?: string | null;
  @Field(() => String)
  @MaxLength(32)
  department!: string;
  @Field(() => Int)
  stage!: number;
  @Field(() => GraphQLJSON, { description: 'As in ApprovalRuleInput.condition' })
  condition!: unknown;
}

@ObjectType({ simpleResolvers: true, description: 'A recent termination the draft rule applies to' })
export class ApprovalRulePreviewMatch {
  @Field(() => String)
  terminationNumber!: string;
  @Field(() => String)
  orderNumber!: string;
  @Field(() => String)
  status!: string;
  @Field(() => Date)
  requestedAt!: Date;
  @Field(() => String)
  terminatedValue!: string;
  @Field(() => String)
  currency!: string;
  @Field(() => Boolean, {
    description: "Whether the draft would name its department's step (an earlier rule of that department may name it)",
  })
  namesStep!: boolean;
  @Field(() => [ApprovalRouteStep], { description: 'The whole route with the draft in the policy' })
  route!: ApprovalRouteStep[];
}

@ObjectType({ simpleResolvers: true })
export class ApprovalRulePreview {
  @Field(() => Int, { description: `How many of the latest terminations were looked at (at most ${PREVIEW_SAMPLE})` })
  checked!: number;
  @Field(() => [ApprovalRulePreviewMatch], { description: 'Those the draft applies to, newest first' })
  matches!: ApprovalRulePreviewMatch[];
}

export const ApprovalRulePreviewResult = resultUnion('ApprovalRulePreviewResult', ApprovalRulePreview, [InputError, NotFoundError]);

/** The checks a rule's routing part must pass, saved or previewed. */
export function checkRouting(input: { department: string; stage: number; condition: unknown }): void {
  // A rule is a few comparisons; anything longer is a mistake or an attack on the evaluator.
  if ((JSON.stringify(input.condition) ?? '').length > MAX_CONDITION_CHARS)
    refuse(InputError, 'VALIDATION_FAILED', `A condition is at most ${MAX_CONDITION_CHARS} characters of JSON.`, { field: 'condition' });
  if (!isDepartmentCode(input.department))
    refuse(InputError, 'VALIDATION_FAILED', `Unknown department ${input.department}.`, { field: 'department' });
  if (!Number.isInteger(input.stage) || input.stage < 1 || input.stage > 9)
    refuse(InputError, 'VALIDATION_FAILED', 'The stage is 1 to 9.', { field: 'stage' });
  const problem = validateCondition(input.condition);
  if (problem) refuse(InputError, 'VALIDATION_FAILED', problem, { field: 'condition' });
}

/**
 * Which recent terminations a draft rule would route, by the very evaluator routing uses: each
 * termination's recorded impact gives the facts (money converted at the rate it was routed at),
 * and the route is planned with the active rules and the draft in place of the rule edited.
 */
export async function previewApprovalRule(ctx: RequestContext, policy: ApprovalPolicyService, input: ApprovalRulePreviewInput) {
  const ruleId = input.ruleId ? parseId(input.ruleId, 'ruleId') : null;
  return resultOf(async () => {
    checkRouting(input);
    const edited = ruleId ? await ctx.em.findOne(ApprovalRule, { id: ruleId }) : null;
    if (ruleId && !edited) refuse(NotFoundError, 'NOT_FOUND', 'No such rule.');
    const draft: RouteRule = {
      code: edited?.code ?? UNSAVED,
      department: input.department,
      stage: input.stage,
      slaHours: edited?.slaHours ?? 24,
      condition: input.condition as RuleCondition,
    };
    // The rules keep their routing order (stage first; the sort is stable): the draft goes last in its stage.
    const rules = [...(await policy.activeRules(ctx.em)).filter((r) => r.id !== ruleId), draft].sort((a, b) => a.stage - b.stage);
    const recent = await ctx.em.find(
      Termination,
      {},
      { populate: ['reason', 'order'], orderBy: { createdAt: 'desc', id: 'desc' }, limit: PREVIEW_SAMPLE },
    );
    const matches: ApprovalRulePreviewMatch[] = [];
    for (const t of recent) {
      const { facts, unknown } = inBaseCurrency(approvalFacts(t.impact, t.reason.category), t.impact.exchangeRate ?? null);
      if (!evaluate(draft.condition, facts, unknown)) continue;
      const route = planApprovalRoute(rules, facts, unknown);
      matches.push(
        Object.assign(new ApprovalRulePreviewMatch(), {
          terminationNumber: t.number,
          orderNumber: t.order.number,
          status: t.status,
          requestedAt: t.createdAt,
          terminatedValue: t.impact.terminatedValue,
          currency: t.impact.currency,
          namesStep: route.some((s) => s.department === draft.department && s.ruleCode === draft.code),
          route,
        }),
      );
    }
    return Object.assign(new ApprovalRulePreview(), { checked: recent.length, matches });
  });
}
