import { DEFAULT_RULES } from '../../migrations/Migration20261128202419_Termination.js';
import type { RouteRule } from './approval-route.js';
import type { RuleCondition } from './rule-condition.js';

/* For specs: the approval policy the migration installs (table approval_rule), in the order it is kept. */
export const INSTALLED_POLICY: RouteRule[] = DEFAULT_RULES.map(({ code, department, stage, slaHours, condition }) => ({
  code,
  department,
  stage,
  slaHours,
  condition: condition as RuleCondition,
}));
