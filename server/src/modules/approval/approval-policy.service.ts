import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApprovalRouteStep } from '../termination/impact.types.js';
import { ApprovalRule } from './approval-rule.entity.js';
import { evaluate, type FactName, type Facts } from './rule-condition.js';

/** Turns impact facts into an approval route by evaluating the stored rules. */
export class ApprovalPolicyService {
  /** `facts` carry money in the base currency; `unknown` names facts that could not be converted. */
  async route(em: EntityManager, facts: Facts, unknown?: ReadonlySet<FactName>): Promise<ApprovalRouteStep[]> {
    const rules = await em.find(ApprovalRule, { active: true }, { orderBy: { stage: 'asc', department: 'asc', id: 'asc' } });
    const steps = new Map<string, ApprovalRouteStep>();
    for (const rule of rules) {
      if (!evaluate(rule.condition, facts, unknown)) continue;
      // A department appears once, in the earliest stage any of its rules asks for.
      const existing = steps.get(rule.department);
      if (!existing || rule.stage < existing.stage) {
        steps.set(rule.department, { stage: rule.stage, department: rule.department, ruleCode: rule.code, slaHours: rule.slaHours });
      }
    }
    return [...steps.values()].sort((a, b) => a.stage - b.stage || a.department.localeCompare(b.department));
  }
}
