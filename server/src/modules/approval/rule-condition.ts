import { toBase } from '../currency/currency.js';

/**
 * The small language approval rules are written in: comparisons over named impact facts,
 * combined with all / any. Kept as JSON in the database.
 */
/** Facts that are amounts of money: rules compare them in the base currency. */
export const MONEY_FACTS = ['amountInvoiced', 'amountPaid', 'cancellationFee', 'refundDue', 'orderValue', 'terminatedValue'] as const;

export const FACT_NAMES = [
  'purchaseOrdersAffected',
  'reservationsReleased',
  'shipmentsAffected',
  ...MONEY_FACTS,
  'reasonCode',
  'reasonCategory',
  'customerConfirmationRequired',
] as const;
export type FactName = (typeof FACT_NAMES)[number];
export type Facts = Record<FactName, number | string | boolean>;

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const;
export type Operator = (typeof OPERATORS)[number];

export type RuleCondition =
  | { always: true }
  | { fact: FactName; op: Operator; value: number | string | boolean | (number | string)[] }
  | { all: RuleCondition[] }
  | { any: RuleCondition[] };

/**
 * Money facts converted from the order currency into the base currency at `rate`. Without a
 * rate the amounts cannot be compared with a threshold: they are kept as they are (their
 * sign still holds) and listed as unknown, never taken at a rate of 1.
 */
export function inBaseCurrency(facts: Facts, rate: string | null): { facts: Facts; unknown: ReadonlySet<FactName> } {
  if (rate === null) return { facts, unknown: new Set(MONEY_FACTS) };
  const converted = { ...facts };
  for (const name of MONEY_FACTS) converted[name] = toBase(Number(facts[name]), rate).toNumber();
  return { facts: converted, unknown: new Set() };
}

type Truth = boolean | 'unknown';

/**
 * Whether a rule applies. A comparison over an unknown fact is unknown, except against 0
 * (a positive rate keeps the sign); a rule that might apply, applies: without an exchange
 * rate an order may be above any threshold, so the department it names must approve.
 */
export function evaluate(condition: RuleCondition, facts: Facts, unknown: ReadonlySet<FactName> = new Set()): boolean {
  return truth(condition, facts, unknown) !== false;
}

function truth(condition: RuleCondition, facts: Facts, unknown: ReadonlySet<FactName>): Truth {
  if ('always' in condition) return true;
  if ('all' in condition) {
    const parts = condition.all.map((c) => truth(c, facts, unknown));
    return parts.includes(false) ? false : parts.includes('unknown') ? 'unknown' : true;
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => truth(c, facts, unknown));
    return parts.includes(true) ? true : parts.includes('unknown') ? 'unknown' : false;
  }
  if (unknown.has(condition.fact) && !(typeof condition.value === 'number' && condition.value === 0)) return 'unknown';
  return compare(condition, facts);
}

function compare(condition: Extract<RuleCondition, { fact: FactName }>, facts: Facts): boolean {
  const actual = facts[condition.fact];
  const expected = condition.value;
  switch (condition.op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual as never);
    default: {
      const a = Number(actual);
      const b = Number(expected);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      if (condition.op === 'gt') return a > b;
      if (condition.op === 'gte') return a >= b;
      if (condition.op === 'lt') return a < b;
      return a <= b;
    }
  }
}

/** Checks a condition an admin sends; returns the first problem or null. */
export function validateCondition(condition: unknown, depth = 0): string | null {
  if (depth > 5) return 'Conditions may nest at most 5 levels.';
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return 'A condition must be an object.';
  const c = condition as Record<string, unknown>;
  if ('always' in c) return c.always === true ? null : '"always" must be true.';
  for (const key of ['all', 'any'] as const) {
    if (key in c) {
      const list = c[key];
      if (!Array.isArray(list) || list.length === 0) return `"${key}" needs a non-empty list.`;
      for (const item of list) {
        const problem = validateCondition(item, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
  }
  if (!FACT_NAMES.includes(c.fact as FactName)) return `Unknown fact "${String(c.fact)}"; use one of ${FACT_NAMES.join(', ')}.`;
  if (!OPERATORS.includes(c.op as Operator)) return `Unknown operator "${String(c.op)}".`;
  if (c.value === undefined) return 'A comparison needs a value.';
  return null;
}
