/**
 * Approval-rule conditions as a form edits them: one group (always / all / any) of comparisons
 * (fact, operator, value). The server keeps and evaluates them as JSON
 * (server/src/modules/approval/rule-condition.ts, which lists the same facts and operators and
 * validates whatever is sent); a condition nesting groups stays JSON-only.
 */

export const RULE_FACTS = [
  'purchaseOrdersAffected',
  'reservationsReleased',
  'shipmentsAffected',
  'amountInvoiced',
  'amountPaid',
  'cancellationFee',
  'refundDue',
  'orderValue',
  'terminatedValue',
  'reasonCode',
  'reasonCategory',
  'customerConfirmationRequired',
] as const;
export type RuleFact = (typeof RULE_FACTS)[number];

export const RULE_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** What a fact's values are: compared as numbers, as text, or yes / no. */
export function factKind(fact: RuleFact): 'number' | 'text' | 'boolean' {
  if (fact === 'customerConfirmationRequired') return 'boolean';
  if (fact === 'reasonCode' || fact === 'reasonCategory') return 'text';
  return 'number';
}

/** The operators that make sense for a fact. */
export function operatorsFor(fact: RuleFact): readonly RuleOperator[] {
  const kind = factKind(fact);
  if (kind === 'boolean') return ['eq', 'ne'];
  if (kind === 'text') return ['eq', 'ne', 'in'];
  return RULE_OPERATORS;
}

export interface ComparisonRow {
  fact: RuleFact;
  op: RuleOperator;
  /** As typed; a list is comma-separated; yes / no is 'true' / 'false'. */
  value: string;
}

export interface ConditionForm {
  combinator: 'always' | 'all' | 'any';
  rows: ComparisonRow[];
}

export const blankRow = (): ComparisonRow => ({ fact: 'terminatedValue', op: 'gt', value: '' });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function rowOf(c: unknown): ComparisonRow | null {
  if (!isObject(c) || !RULE_FACTS.includes(c.fact as RuleFact) || !RULE_OPERATORS.includes(c.op as RuleOperator)) return null;
  const value = Array.isArray(c.value) ? c.value.join(', ') : String(c.value ?? '');
  return { fact: c.fact as RuleFact, op: c.op as RuleOperator, value };
}

/** The form for a stored condition, or null when only JSON can show it (nested groups). */
export function toForm(condition: unknown): ConditionForm | null {
  if (!isObject(condition)) return null;
  if (condition.always === true) return { combinator: 'always', rows: [] };
  for (const combinator of ['all', 'any'] as const) {
    const list = condition[combinator];
    if (Array.isArray(list)) {
      const rows = list.map(rowOf);
      return rows.every((r): r is ComparisonRow => r !== null) ? { combinator, rows } : null;
    }
  }
  const row = rowOf(condition);
  return row ? { combinator: 'all', rows: [row] } : null;
}

function valueOf(row: ComparisonRow): unknown {
  const kind = factKind(row.fact);
  // An unfinished number stays text, so that rowsComplete() can still tell it apart from 0.
  const one = (text: string) => (kind === 'number' && text !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  if (row.op === 'in')
    return row.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(one);
  if (kind === 'boolean') return row.value === 'true';
  return one(row.value.trim());
}

/** Whether every comparison of the condition's JSON has a usable value (numbers for amounts and counts); JSON-only ones are left to the server. */
export function conditionComplete(condition: unknown): boolean {
  const form = toForm(condition);
  return form === null || rowsComplete(form);
}

function rowsComplete(form: ConditionForm): boolean {
  return form.rows.every((row) => {
    if (row.value.trim() === '') return false;
    if (factKind(row.fact) !== 'number') return true;
    const values = row.op === 'in' ? row.value.split(',').map((s) => s.trim()) : [row.value.trim()];
    return values.every((v) => v !== '' && Number.isFinite(Number(v)));
  });
}

/** The JSON condition of a form: one comparison alone, several in their group, none → always. */
export function fromForm(form: ConditionForm): unknown {
  if (form.combinator === 'always' || form.rows.length === 0) return { always: true };
  const comparisons = form.rows.map((row) => ({ fact: row.fact, op: row.op, value: valueOf(row) }));
  return comparisons.length === 1 ? comparisons[0] : { [form.combinator]: comparisons };
}
