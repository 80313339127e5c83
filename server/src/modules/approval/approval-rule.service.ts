import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { inTransaction, isUniqueViolation } from '../../kernel/transaction.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { ApprovalRule } from './approval-rule.entity.js';
import type { ApprovalRuleInput } from './approval-rule.resolver.js';
import { ApprovalPolicyService } from './approval-policy.service.js';
import { checkRouting, previewApprovalRule, type ApprovalRulePreviewInput } from './approval-rule-preview.js';
import type { RuleCondition } from './rule-condition.js';

function check(input: ApprovalRuleInput): void {
  checkRouting(input);
  if (!Number.isInteger(input.slaHours) || input.slaHours < 1 || input.slaHours > 720) {
    refuse(InputError, 'VALIDATION_FAILED', 'The SLA is 1 to 720 hours.', { field: 'slaHours' });
  }
}

/** The approval policy is data: admins read and change the rules; every change is audited. */
export class ApprovalRuleService {
  /** The policy routing reads: a preview plans routes with its rules, by its evaluator. */
  private readonly policy = new ApprovalPolicyService();

  constructor(private readonly domainEvents: DomainEvents) {}

  /** Which recent terminations a draft rule would route (changes nothing). */
  preview(ctx: RequestContext, input: ApprovalRulePreviewInput) {
    return previewApprovalRule(ctx, this.policy, input);
  }

  list(ctx: RequestContext) {
    return ctx.em.find(ApprovalRule, {}, { orderBy: { stage: 'asc', department: 'asc', id: 'asc' } });
  }

  create(ctx: RequestContext, input: ApprovalRuleInput) {
    return resultOf(async () => {
      check(input);
      const code = (input.code ?? '').trim().toUpperCase();
      if (!/^[A-Z][A-Z0-9_]{1,39}$/.test(code))
        refuse(InputError, 'VALIDATION_FAILED', 'The code is 2–40 capital letters, digits or _.', { field: 'code' });
      try {
        return await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          const rule = em.create(ApprovalRule, {
            ...input,
            code,
            condition: input.condition as RuleCondition,
            active: input.active ?? true,
          });
          await this.domainEvents.record(
            scope,
            ctx.actor,
            'approval_rule.created',
            { code, condition: input.condition as object },
            { entity: { type: 'ApprovalRule', id: rule.id } },
          );
          return rule;
        });
      } catch (error) {
        if (isUniqueViolation(error)) refuse(InputError, 'VALIDATION_FAILED', `A rule ${code} exists already.`, { field: 'code' });
        throw error;
      }
    });
  }

  update(ctx: RequestContext, id: string, input: ApprovalRuleInput) {
    const ruleId = parseId(id);
    return resultOf(async () => {
      check(input);
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        const rule = await em.findOne(ApprovalRule, { id: ruleId });
        if (!rule) refuse(NotFoundError, 'NOT_FOUND', 'No such rule.');
        const before = {
          department: rule.department,
          stage: rule.stage,
          condition: rule.condition,
          slaHours: rule.slaHours,
          active: rule.active,
        };
        Object.assign(rule, {
          department: input.department,
          stage: input.stage,
          condition: input.condition as RuleCondition,
          slaHours: input.slaHours,
          descriptionZh: input.descriptionZh,
          descriptionEn: input.descriptionEn,
          active: input.active ?? rule.active,
        });
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'approval_rule.updated',
          { code: rule.code, before },
          { entity: { type: 'ApprovalRule', id: rule.id } },
        );
        return rule;
      });
    });
  }
}
