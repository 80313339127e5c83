import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApprovalRouteStep } from '../termination/impact.types.js';
import { ApprovalRule } from './approval-rule.entity.js';
import { planApprovalRoute } from './approval-route.js';
import type { FactName, Facts } from './rule-condition.js';

/** Turns impact facts into an approval route by evaluating the stored rules. */
export class ApprovalPolicyService {
  /** The rules in force, in the order the route reads them (ids are random: age decides a tie). */
  activeRules(em: EntityManager): Promise<ApprovalRule[]> {
    return em.find(ApprovalRule, { active: true }, { orderBy: { stage: 'asc', department: 'asc', createdAt: 'asc', id: 'asc' } });
  }

  /** `facts` carry money in the base currency; `unknown` names facts that could not be converted. */
  async route(em: EntityManager, facts: Facts, unknown?: ReadonlySet<FactName>): Promise<ApprovalRouteStep[]> {
    return planApprovalRoute(await this.activeRules(em), facts, unknown);
  }
}
