import type { ApprovalRouteStep } from '../termination/impact.types.js';
import type { ApprovalRule } from './approval-rule.entity.js';
import { evaluate, type FactName, type Facts } from './rule-condition.js';

/** What the route reads of a rule. */
export type RouteRule = Pick<ApprovalRule, 'code' | 'department' | 'stage' | 'slaHours' | 'condition'>;

/**
 * The approval route for impact facts: every rule whose condition holds names a department.
 * `rules` come in the order they are kept (stage, department, oldest first): of two rules of one
 * department and stage, the first names the step. `facts` carry money in the base currency;
 * `unknown` names facts that could not be converted.
 */
export function planApprovalRoute(rules: readonly RouteRule[], facts: Facts, unknown?: ReadonlySet<FactName>): ApprovalRouteStep[] {
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
