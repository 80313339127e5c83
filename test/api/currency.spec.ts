import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/**
 * Money by currency: statistics never add amounts of different currencies, base-currency
 * figures convert at the rate of their day, approval thresholds compare in the base currency,
 * and a missing rate is never taken as 1. The demo base currency is CNY; the seed's demo rate for
 * USD is 7.12 from 2026-01-01.
 */
let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const RATES = `{ exchangeRates { baseCurrency rates { id fromCurrency toCurrency rate validFrom source } } }`;
const SET = `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { ${RESULT_FIELDS}
  ... on InputError { field } ... on ExchangeRate { id fromCurrency toCurrency rate validFrom } } }`;
const DELETE = `mutation($id: ID!) { deleteExchangeRate(id: $id) { ${RESULT_FIELDS} ... on ExchangeRateDeleted { id } } }`;
const IMPACT = `query($i: TerminationImpactInput!) { terminationImpact(input: $i) { __typename
  ... on TerminationImpact { currency orderValue baseCurrency exchangeRate orderValueInBase
    approvalRoute { department ruleCode } warnings { code subject } } } }`;
const STATS = `query($from: DateTimeISO) { terminationStats(from: $from) { baseCurrency terminatedValue cancellationFees refunds missingRates
  byCurrency { currency count terminatedValue cancellationFees refunds terminatedValueInBase rateMissing }
  byCustomer { key count value values { currency amount count } } } }`;

interface Rate {
  id: string;
  fromCurrency: string;
  toCurrency: string;
  rate: string;
  validFrom: string;
  source: string;
}
interface Impact {
  currency: string;
  orderValue: string;
  baseCurrency: string;
  exchangeRate: string | null;
  orderValueInBase: string | null;
  approvalRoute: { department: string; ruleCode: string }[];
  warnings: { code: string; subject: string | null }[];
}
interface Stats {
  baseCurrency: string;
  terminatedValue: string;
  cancellationFees: string;
  refunds: string;
  missingRates: string[];
  byCurrency: {
    currency: string;
    count: number;
    terminatedValue: string;
    cancellationFees: string;
    refunds: string;
    terminatedValueInBase: string | null;
    rateMissing: boolean;
  }[];
  byCustomer: { key: string; count: number; value: string; values: { currency: string; amount: string; count: number }[] }[];
}

const today = () => new Date().toISOString().slice(0, 10);
const dayAfter = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Exact decimal arithmetic in cents, so the test does not share the code it checks. */
const cents = (amount: string) => BigInt(amount.replace('.', ''));
const fromCents = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
/** amount × rate rounded half up to cents; rate with up to 8 decimals. */
function convert(amount: string, rate: string): string {
  const [int, frac = ''] = rate.split('.');
  const scaled = BigInt(int! + frac.padEnd(8, '0'));
  const product = cents(amount) * scaled; // cents × 1e8
  return fromCents((product + 50_000_000n) / 100_000_000n);
}

async function impact(orderNumber: string, reasonCode = 'CUSTOMER_CANCELLATION'): Promise<Impact> {
  const data = await wf.as<{ terminationImpact: Impact & { __typename: string } }>('clerk@example.com', IMPACT, {
    i: { orderNumber, reasonCode },
  });
  expect(data.terminationImpact.__typename).toBe('TerminationImpact');
  return data.terminationImpact;
}

async function rates(): Promise<{ baseCurrency: string; rates: Rate[] }> {
  return (await wf.as<{ exchangeRates: { baseCurrency: string; rates: Rate[] } }>('admin@example.com', RATES)).exchangeRates;
}

async function setRate(currency: string, rate: string, validFrom: string, as = 'admin@example.com') {
  return (
    await wf.as<{ setExchangeRate: Rate & { __typename: string; code?: string; field?: string } }>(as, SET, {
      i: { currency, rate, validFrom },
    })
  ).setExchangeRate;
}

async function deleteRates(currency: string): Promise<void> {
  for (const r of (await rates()).rates.filter((x) => x.fromCurrency === currency)) {
    const res = await wf.as<{ deleteExchangeRate: { __typename: string } }>('admin@example.com', DELETE, { id: r.id });
    expect(res.deleteExchangeRate.__typename).toBe('ExchangeRateDeleted');
  }
}

/** Submits, approves and (when asked) confirms as the customer, until the termination takes effect. */
async function makeEffective(orderNumber: string, reasonCode: string): Promise<string> {
  let t = await wf.submitApproved('clerk@example.com', { orderNumber, reasonCode, explanation: 'currency statistics case' });
  if (t.status === 'AWAITING_CUSTOMER') {
    const token = await wf.confirmationToken(t.customerConfirmation!.recipient);
    expect((await wf.respond(token, true, { preferredResolution: 'REFUND' })).__typename).toBe('RespondToTerminationSuccess');
    t = await wf.get(t.id);
  }
  expect(t.status).toMatch(/^(EFFECTIVE|CLOSED)$/);
  return t.id;
}

describe('approval thresholds in the base currency', () => {
  it('a USD order whose converted value is above the management threshold goes to management', async () => {
    // Only fields main had: lower the threshold to 213,000 (CNY), between the order's 29,982.25
    // USD and its 213,473.62 CNY at the demo rate 7.12. Main compared 29,982.25 with 213,000.
    const UPDATE = `mutation($id: ID!, $i: ApprovalRuleInput!) { updateApprovalRule(id: $id, input: $i) { __typename } }`;
    const rules = await wf.as<{
      approvalRules: {
        id: string;
        code: string;
        department: string;
        stage: number;
        slaHours: number;
        descriptionZh: string;
        descriptionEn: string;
        condition: unknown;
      }[];
    }>('admin@example.com', `{ approvalRules { id code department stage slaHours descriptionZh descriptionEn condition } }`);
    const rule = rules.approvalRules.find((r) => r.code === 'MANAGEMENT_LARGE_OR_INTERNAL')!;
    const { id, code: _code, ...input } = rule;
    const withThreshold = (value: number) => ({
      ...input,
      condition: {
        any: [
          { fact: 'orderValue', op: 'gt', value },
          { fact: 'reasonCode', op: 'eq', value: 'INTERNAL_DECISION' },
        ],
      },
    });
    const route = async (orderNumber: string) =>
      (
        await wf.as<{ terminationImpact: { approvalRoute: { department: string }[] } }>(
          'clerk@example.com',
          `query($i: TerminationImpactInput!) { terminationImpact(input: $i) { ... on TerminationImpact { approvalRoute { department } } } }`,
          { i: { orderNumber, reasonCode: 'CUSTOMER_CANCELLATION' } },
        )
      ).terminationImpact.approvalRoute.map((s) => s.department);
    try {
      expect(
        (await wf.as<{ updateApprovalRule: { __typename: string } }>('admin@example.com', UPDATE, { id, i: withThreshold(213000) }))
          .updateApprovalRule.__typename,
      ).toBe('ApprovalRule');
      expect(await route('SO-2026-00284')).toContain('MANAGEMENT');
      // A CNY order of 122,760 stays below it.
      expect(await route('SO-2026-00002')).not.toContain('MANAGEMENT');
      // Just above the converted value: no management.
      await wf.as('admin@example.com', UPDATE, { id, i: withThreshold(213473.63) });
      expect(await route('SO-2026-00284')).not.toContain('MANAGEMENT');
      await wf.as('admin@example.com', UPDATE, { id, i: withThreshold(213473.61) });
      expect(await route('SO-2026-00284')).toContain('MANAGEMENT');
    } finally {
      await wf.as('admin@example.com', UPDATE, { id, i: withThreshold(500000) });
    }
  });

  // SO-2026-00284: a USD order of 29,982.25 (demo customer C0025), far below 500,000 in its own
  // currency. The management rule asks for orderValue > 500,000 (CNY, the base currency).
  const USD_ORDER = 'SO-2026-00284';

  it('converts a USD order at the rate of the day and routes it to management just above the threshold', async () => {
    const seeded = await impact(USD_ORDER);
    expect(seeded).toMatchObject({ currency: 'USD', orderValue: '29982.25', baseCurrency: 'CNY', exchangeRate: '7.12000000' });
    expect(seeded.orderValueInBase).toBe(convert('29982.25', '7.12'));
    expect(seeded.approvalRoute.map((s) => s.department)).not.toContain('MANAGEMENT');

    // 29,982.25 × 16.6766 = 500,001.99 CNY: above the threshold, although 29,982.25 < 500,000.
    expect((await setRate('USD', '16.6766', today())).__typename).toBe('ExchangeRate');
    const above = await impact(USD_ORDER);
    expect(above.orderValueInBase).toBe('500001.99');
    expect(above.approvalRoute).toContainEqual({ department: 'MANAGEMENT', ruleCode: 'MANAGEMENT_LARGE_OR_INTERNAL' });

    // 29,982.25 × 16.6765 = 499,998.99 CNY: just below, no management.
    expect((await setRate('USD', '16.6765', today())).__typename).toBe('ExchangeRate');
    const below = await impact(USD_ORDER);
    expect(below.orderValueInBase).toBe('499998.99');
    expect(below.approvalRoute.map((s) => s.department)).not.toContain('MANAGEMENT');

    // A rate from tomorrow on does not apply today.
    expect((await setRate('USD', '20', dayAfter(1))).__typename).toBe('ExchangeRate');
    expect((await impact(USD_ORDER)).exchangeRate).toBe('16.67650000');

    // The submitted termination keeps the route of the converted amount.
    expect((await setRate('USD', '16.6766', today())).__typename).toBe('ExchangeRate');
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: USD_ORDER,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'above the converted threshold',
    });
    expect(submitted.termination!.approvalSteps.map((s) => s.department)).toContain('MANAGEMENT');
    // The snapshot keeps the conversion it was routed with, on the single and the list read alike.
    const IMPACT_FIELDS = `impact { currency baseCurrency exchangeRate orderValueInBase }`;
    const stored = await wf.as<{
      termination: { impact: Record<string, string> };
      terminations: { edges: { node: { id: string; impact: Record<string, string> } }[] };
    }>(
      'auditor@example.com',
      `query($id: ID) { termination(id: $id) { ${IMPACT_FIELDS} } terminations(first: 20) { edges { node { id ${IMPACT_FIELDS} } } } }`,
      { id: submitted.termination!.id },
    );
    const expected = { currency: 'USD', baseCurrency: 'CNY', exchangeRate: '16.67660000', orderValueInBase: '500001.99' };
    expect(stored.termination.impact).toEqual(expected);
    expect(stored.terminations.edges.find((e) => e.node.id === submitted.termination!.id)!.node.impact).toEqual(expected);
  });

  it('without a rate, management must approve and the impact says why', async () => {
    const ORDER = 'SO-2026-00230';
    expect((await impact(ORDER)).approvalRoute.map((s) => s.department)).not.toContain('MANAGEMENT');
    await deleteRates('USD');
    const unknown = await impact(ORDER);
    expect(unknown.exchangeRate).toBeNull();
    expect(unknown.orderValueInBase).toBeNull();
    expect(unknown.warnings).toContainEqual({ code: 'EXCHANGE_RATE_MISSING', subject: 'USD' });
    expect(unknown.approvalRoute).toContainEqual({ department: 'MANAGEMENT', ruleCode: 'MANAGEMENT_LARGE_OR_INTERNAL' });
    // Amounts in the base currency need no rate: a CNY order is routed as before.
    const cny = await impact('SO-2026-00005');
    expect(cny.exchangeRate).toBe('1');
    expect(cny.warnings.map((w) => w.code)).not.toContain('EXCHANGE_RATE_MISSING');
    expect(cny.approvalRoute.map((s) => s.department)).not.toContain('MANAGEMENT');
    // Put the demo rate back for the other tests of this file.
    expect((await setRate('USD', '7.12', '2026-01-01')).__typename).toBe('ExchangeRate');
  });
});

describe('the impact of one order', () => {
  it('keeps a purchase order in another currency apart from the order currency', async () => {
    const PENALTIES = `query($i: TerminationImpactInput!) { terminationImpact(input: $i) { ... on TerminationImpact { currency supplierPenalties
      purchaseOrders { number penalty } warnings { code message } } } }`;
    const read = async () =>
      (
        await wf.as<{
          terminationImpact: {
            currency: string;
            supplierPenalties: string;
            purchaseOrders: { number: string; penalty: string }[];
            warnings: { code: string; message: string }[];
          };
        }>('clerk@example.com', PENALTIES, { i: { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION' } })
      ).terminationImpact;
    const before = await read();
    const confirmed = before.purchaseOrders.find((p) => p.number === 'PO-2026-00001')!;
    expect(cents(confirmed.penalty)).toBeGreaterThan(0n);
    expect(before.supplierPenalties).toBe(confirmed.penalty);
    // The supplier of PO-2026-00001 bills in USD (fixture change: the ERP owns purchase orders).
    await server.sql(`update purchase_order set currency = 'USD' where number = 'PO-2026-00001'`);
    const after = await read();
    expect(after.currency).toBe('CNY');
    expect(after.supplierPenalties).toBe('0.00');
    expect(after.warnings.find((w) => w.code === 'SUPPLIER_PENALTY')?.message).toContain(`${confirmed.penalty} USD`);
    const perCurrency = await wf.as<{
      terminationImpact: {
        supplierPenaltiesByCurrency: { currency: string; amount: string }[];
        purchaseOrders: { number: string; currency: string }[];
      };
    }>(
      'clerk@example.com',
      `query($i: TerminationImpactInput!) { terminationImpact(input: $i) { ... on TerminationImpact {
        supplierPenaltiesByCurrency { currency amount } purchaseOrders { number currency } } } }`,
      { i: { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION' } },
    );
    expect(perCurrency.terminationImpact.supplierPenaltiesByCurrency).toEqual([{ currency: 'USD', amount: confirmed.penalty }]);
    expect(perCurrency.terminationImpact.purchaseOrders.find((p) => p.number === 'PO-2026-00001')!.currency).toBe('USD');
    await server.sql(`update purchase_order set currency = 'CNY' where number = 'PO-2026-00001'`);
  });
});

describe('termination statistics by currency', () => {
  it('never add CNY and USD; the base total converts each at its rate, and a missing rate is flagged, not taken as 1', async () => {
    // From now on: the earlier tests' terminations (submitted moments ago) stay out of the period.
    const from = new Date().toISOString();
    await makeEffective('SO-2026-00005', 'DUPLICATE_ORDER');
    await makeEffective('SO-2026-00340', 'CUSTOMER_CANCELLATION');
    const settlements = await server.sql<{ currency: string; value: string; fee: string; refund: string }>(
      `select s.currency, s.terminated_value::text as value, s.cancellation_fee::text as fee, s.refund_due::text as refund
         from settlement s join termination t on t.id = s.termination_id join sales_order o on o.id = t.order_id
        where o.number in ('SO-2026-00005', 'SO-2026-00340') order by s.currency`,
    );
    const [cny, usd] = settlements;
    expect([cny!.currency, usd!.currency]).toEqual(['CNY', 'USD']);
    expect(cents(usd!.value)).toBeGreaterThan(0n);

    // The field main had: it added 1 USD to 1 CNY.
    const old = await wf.as<{ terminationStats: { terminatedValue: string } }>(
      'auditor@example.com',
      `query($from: DateTimeISO) { terminationStats(from: $from) { terminatedValue } }`,
      { from },
    );
    expect(old.terminationStats.terminatedValue).toBe(fromCents(cents(cny!.value) + cents(convert(usd!.value, '7.12'))));

    const s = (await wf.as<{ terminationStats: Stats }>('auditor@example.com', STATS, { from })).terminationStats;
    expect(s.baseCurrency).toBe('CNY');
    expect(s.byCurrency).toEqual([
      {
        currency: 'CNY',
        count: 1,
        terminatedValue: cny!.value,
        cancellationFees: cny!.fee,
        refunds: cny!.refund,
        terminatedValueInBase: cny!.value,
        rateMissing: false,
      },
      {
        currency: 'USD',
        count: 1,
        terminatedValue: usd!.value,
        cancellationFees: usd!.fee,
        refunds: usd!.refund,
        terminatedValueInBase: convert(usd!.value, '7.12'),
        rateMissing: false,
      },
    ]);
    const baseValue = fromCents(cents(cny!.value) + cents(convert(usd!.value, '7.12')));
    expect(s.terminatedValue).toBe(baseValue);
    expect(s.cancellationFees).toBe(fromCents(cents(cny!.fee) + cents(convert(usd!.fee, '7.12'))));
    expect(s.refunds).toBe(fromCents(cents(cny!.refund) + cents(convert(usd!.refund, '7.12'))));
    expect(s.terminatedValue).not.toBe(fromCents(cents(cny!.value) + cents(usd!.value)));
    expect(s.missingRates).toEqual([]);
    const usdCustomer = s.byCustomer.find((c) => c.values.some((v) => v.currency === 'USD'))!;
    expect(usdCustomer.values).toEqual([{ currency: 'USD', amount: usd!.value, count: 1 }]);
    expect(usdCustomer.value).toBe(convert(usd!.value, '7.12'));

    // A rate that starts after the effective day changes nothing.
    expect((await setRate('USD', '9.5', dayAfter(2))).__typename).toBe('ExchangeRate');
    expect((await wf.as<{ terminationStats: Stats }>('auditor@example.com', STATS, { from })).terminationStats.terminatedValue).toBe(
      baseValue,
    );

    // No USD rate at all: USD stays in byCurrency, the base totals leave it out and say so.
    await deleteRates('USD');
    const missing = (await wf.as<{ terminationStats: Stats }>('auditor@example.com', STATS, { from })).terminationStats;
    expect(missing.missingRates).toEqual(['USD']);
    expect(missing.terminatedValue).toBe(cny!.value);
    expect(missing.byCurrency.find((c) => c.currency === 'USD')).toMatchObject({
      terminatedValue: usd!.value,
      terminatedValueInBase: null,
      rateMissing: true,
    });
    expect(missing.byCustomer.find((c) => c.key === usdCustomer.key)!.value).toBe('0.00');
    expect((await setRate('USD', '7.12', '2026-01-01')).__typename).toBe('ExchangeRate');
  });
});

describe('exchange-rate administration', () => {
  it('lists the base currency and the demo rates', async () => {
    const table = await rates();
    expect(table.baseCurrency).toBe('CNY');
    expect(table.rates.find((r) => r.fromCurrency === 'EUR')).toMatchObject({ toCurrency: 'CNY', validFrom: '2026-01-01' });
  });

  it('validates currency, rate and day, and changes nothing on bad input', async () => {
    const before = await rates();
    const cases: [string, string, string, string][] = [
      ['usd', '7.1', '2026-02-01', 'currency'],
      ['US', '7.1', '2026-02-01', 'currency'],
      ['CNY', '1', '2026-02-01', 'currency'],
      ['USD', '0', '2026-02-01', 'rate'],
      ['USD', '-7', '2026-02-01', 'rate'],
      ['USD', 'abc', '2026-02-01', 'rate'],
      ['USD', '7.123456789', '2026-02-01', 'rate'],
    ];
    for (const [currency, rate, validFrom, field] of cases) {
      const res = await setRate(currency, rate, validFrom);
      expect(res, `${currency} ${rate}`).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field });
    }
    const badDay = await server.gql(
      SET,
      { i: { currency: 'USD', rate: '7.1', validFrom: '2026-13-01' } },
      await wf.token('admin@example.com'),
    );
    expect(badDay.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await rates()).toEqual(before);
  });

  it('sets, replaces the same day, deletes, and audits each change', async () => {
    const created = await setRate('EUR', '7.8123', '2026-11-01');
    expect(created).toMatchObject({ __typename: 'ExchangeRate', fromCurrency: 'EUR', toCurrency: 'CNY', rate: '7.81230000' });
    const replaced = await setRate('EUR', '7.9', '2026-11-01');
    expect(replaced).toMatchObject({ id: created.id, rate: '7.90000000' });
    expect((await rates()).rates.filter((r) => r.fromCurrency === 'EUR' && r.validFrom === '2026-11-01')).toHaveLength(1);
    const gone = await wf.as<{ deleteExchangeRate: { __typename: string } }>('admin@example.com', DELETE, { id: created.id });
    expect(gone.deleteExchangeRate.__typename).toBe('ExchangeRateDeleted');
    const again = await wf.as<{ deleteExchangeRate: { __typename: string; code: string } }>('admin@example.com', DELETE, {
      id: created.id,
    });
    expect(again.deleteExchangeRate).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const audit = await server.sql<{ action: string; data: Record<string, unknown> }>(
      `select action, data from audit_event where entity_type = 'ExchangeRate' and entity_id = $1 order by created_at, action`,
      [created.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['exchange_rate.set', 'exchange_rate.set', 'exchange_rate.deleted']);
    expect(audit[1]!.data).toMatchObject({ currency: 'EUR', rate: '7.9', previousRate: '7.81230000' });
  });

  it('two admins setting the same day at once leave one row', async () => {
    const results = await Promise.all(['8.01', '8.02', '8.03', '8.04'].map((r) => setRate('GBP', r, '2026-11-15')));
    expect(results.every((r) => r.__typename === 'ExchangeRate')).toBe(true);
    const rows = (await rates()).rates.filter((r) => r.fromCurrency === 'GBP' && r.validFrom === '2026-11-15');
    expect(rows).toHaveLength(1);
  });

  it('only admins change rates', async () => {
    for (const email of ['clerk@example.com', 'finance.head@example.com', 'auditor@example.com']) {
      const token = await wf.token(email);
      const set = await server.gql(SET, { i: { currency: 'USD', rate: '1', validFrom: '2026-11-20' } }, token);
      expect(set.errors?.[0]?.extensions?.code, email).toBe('FORBIDDEN');
      const del = await server.gql(DELETE, { id: (await rates()).rates[0]!.id }, token);
      expect(del.errors?.[0]?.extensions?.code, email).toBe('FORBIDDEN');
    }
    const anonymous = await server.gql(RATES);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await rates()).rates.some((r) => r.validFrom === '2026-11-20')).toBe(false);
  });
});
