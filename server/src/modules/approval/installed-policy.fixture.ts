import type { RouteRule } from './approval-route.js';
import type { FactName, RuleCondition } from './rule-condition.js';

/* For specs: the approval policy the migrations install (table approval_rule), in the order it is kept. */

const rule = (code: string, department: string, stage: number, slaHours: number, condition: RuleCondition): RouteRule => ({
  code,
  department,
  stage,
  slaHours,
  condition,
});
const above = (fact: FactName, value = 0): RuleCondition => ({ fact, op: 'gt', value });

export const INSTALLED_POLICY: RouteRule[] = [
  rule('SALES_ALWAYS', 'SALES', 1, 24, { always: true }),
  rule('PURCHASING_PO_AFFECTED', 'PURCHASING', 2, 48, above('purchaseOrdersAffected')),
  rule('WAREHOUSE_STOCK_AFFECTED', 'WAREHOUSE', 2, 48, { any: [above('reservationsReleased'), above('shipmentsAffected')] }),
  rule('FINANCE_MONEY_MOVES', 'FINANCE', 3, 48, { any: [above('amountInvoiced'), above('amountPaid'), above('cancellationFee')] }),
  rule('MANAGEMENT_LARGE_OR_INTERNAL', 'MANAGEMENT', 4, 72, {
    any: [above('orderValue', 500_000), { fact: 'reasonCode', op: 'eq', value: 'INTERNAL_DECISION' }],
  }),
];
