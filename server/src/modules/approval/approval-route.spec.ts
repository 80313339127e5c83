import { describe, expect, it } from 'vitest';
import { planApprovalRoute, type RouteRule } from './approval-route.js';
import { FACT_NAMES, MONEY_FACTS, type Facts } from './rule-condition.js';
import { INSTALLED_POLICY as RULES } from './installed-policy.fixture.js';

function facts(overrides: Partial<Facts> = {}): Facts {
  const zero = Object.fromEntries(FACT_NAMES.map((name) => [name, 0])) as Facts;
  return { ...zero, reasonCode: 'SUPPLY_UNAVAILABLE', reasonCategory: 'SUPPLY', customerConfirmationRequired: false, ...overrides };
}

const steps = (route: ReturnType<typeof planApprovalRoute>) => route.map((s) => `${s.stage}:${s.department}`);

describe('planApprovalRoute', () => {
  it('asks sales alone when nothing else is touched (SO-2026-00005, seller-caused)', () => {
    expect(planApprovalRoute(RULES, facts({ orderValue: 15500, terminatedValue: 15500 }))).toEqual([
      { stage: 1, department: 'SALES', ruleCode: 'SALES_ALWAYS', slaHours: 24 },
    ]);
  });

  it('adds purchasing, warehouse and finance stage by stage (SO-2026-00001, buyer-caused)', () => {
    const route = planApprovalRoute(
      RULES,
      facts({ purchaseOrdersAffected: 2, reservationsReleased: 2, amountInvoiced: 74970, amountPaid: 74970, cancellationFee: 24990 }),
    );
    expect(steps(route)).toEqual(['1:SALES', '2:PURCHASING', '2:WAREHOUSE', '3:FINANCE']);
  });

  it('asks management above 500 000 in the base currency, and for an internal decision', () => {
    expect(steps(planApprovalRoute(RULES, facts({ orderValue: 500001.99 })))).toContain('4:MANAGEMENT');
    expect(steps(planApprovalRoute(RULES, facts({ orderValue: 499998.99 })))).not.toContain('4:MANAGEMENT');
    expect(steps(planApprovalRoute(RULES, facts({ reasonCode: 'INTERNAL_DECISION' })))).toContain('4:MANAGEMENT');
  });

  it('without an exchange rate, a threshold that might be crossed applies; a comparison with 0 still holds', () => {
    const route = planApprovalRoute(RULES, facts({ orderValue: 29982.25 }), new Set(MONEY_FACTS));
    expect(steps(route)).toEqual(['1:SALES', '4:MANAGEMENT']);
  });

  it('names a department once, at the earliest stage any of its rules asks for, with that rule', () => {
    const early: RouteRule = { code: 'MANAGEMENT_EARLY', department: 'MANAGEMENT', stage: 2, slaHours: 12, condition: { always: true } };
    const route = planApprovalRoute([...RULES, early], facts({ reasonCode: 'INTERNAL_DECISION' }));
    expect(route).toEqual([
      { stage: 1, department: 'SALES', ruleCode: 'SALES_ALWAYS', slaHours: 24 },
      { stage: 2, department: 'MANAGEMENT', ruleCode: 'MANAGEMENT_EARLY', slaHours: 12 },
    ]);
  });
});
