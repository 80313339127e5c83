/*
 * The reference oracle of termination-stats-facts.spec.ts: ReportingService.stats as it was before
 * the fact tables (Migration20261210300000), aggregating over termination, sales_order,
 * sales_order_line, termination_line, approval_step and settlement directly. Kept verbatim apart
 * from the imports and the class name, so the spec can show the new figures equal the old ones.
 */
import type { RequestContext } from '../../server/src/kernel/context.js';
import { badInput } from '../../server/src/common/errors.js';
import { Decimal, money } from '../../server/src/common/money.js';
import { rateSql } from '../../server/src/modules/currency/currency.js';
import type { ExchangeRateService } from '../../server/src/modules/currency/exchange-rate.service.js';
import { StatsGroup, type Duration, type TerminationStats, type ValueByKey } from '../../server/src/modules/reporting/reporting.types.js';

/** One row per (key, currency): the top keys by count across their currencies. */
interface KeyCurrencyRow {
  key: string;
  label: string;
  currency: string;
  count: string;
  value: string;
  value_base: string | null;
  unrated: string;
}

/** The UTC day of a timestamp column, the day whose exchange rate applies. */
const utcDay = (column: string) => `(${column} at time zone 'UTC')::date`;

const ALL_GROUPS = Object.values(StatsGroup);

/** The field each breakdown fills. */
const GROUP_FIELD: Record<StatsGroup, keyof TerminationStats> = {
  STATUS: 'byStatus',
  REASON: 'byReason',
  DEPARTMENT: 'byDepartment',
  CUSTOMER: 'byCustomer',
  PRODUCT: 'byProduct',
  MONTH: 'byMonth',
};
const MONEY_FIELDS = ['terminatedValue', 'cancellationFees', 'refunds', 'byCurrency', 'missingRates'];
const DURATION_FIELDS = ['submittedToEffective', 'effectiveToClosed', 'perStage'];

/** Aggregates in SQL: a dashboard costs a few statements, whatever the volume. */
export class OracleReportingService {
  constructor(private readonly rates: ExchangeRateService) {}

  /**
   * `selected`: the fields the query reads (all when absent). Each breakdown, the money sums and
   * the durations are aggregates over every termination of the period: one the query does not
   * read is not computed (the dashboard's monthly tiles read only the counts).
   */
  async stats(
    ctx: RequestContext,
    from?: Date | null,
    to?: Date | null,
    groupBy: StatsGroup[] | null = null,
    selected?: ReadonlySet<string>,
  ): Promise<TerminationStats> {
    const reads = (field: string) => !selected || selected.has(field);
    const groups = new Set((groupBy?.length ? groupBy : ALL_GROUPS).filter((g) => reads(GROUP_FIELD[g])));
    const none = Promise.resolve([] as never[]);
    if (from && to && from >= to) throw badInput('from must be before to.', 'from');
    const conn = ctx.em.getConnection();
    const period = `(?::timestamptz is null or t.created_at >= ?::timestamptz) and (?::timestamptz is null or t.created_at < ?::timestamptz)`;
    const p = [from ?? null, from ?? null, to ?? null, to ?? null];
    const [totals] = await conn.execute<Record<string, string>[]>(
      `select count(*) filter (where ${period}) as total,
              count(*) filter (where t.status = 'PENDING_APPROVAL') as pending,
              count(*) filter (where t.status = 'AWAITING_CUSTOMER') as awaiting,
              (select count(*) from approval_step s where s.status = 'PENDING' and s.due_at < now()) as overdue,
              count(*) filter (where t.effective_at is not null and (?::timestamptz is null or t.effective_at >= ?::timestamptz) and (?::timestamptz is null or t.effective_at < ?::timestamptz)) as effective
         from termination t`,
      [...p, ...p],
    );
    // Money never adds up across currencies: sums per currency, and base-currency sums of
    // amounts converted at the rate of their own day (a missing rate leaves the amount out, flagged).
    const base = this.rates.baseCurrency;
    const rated = [base, base];
    const moneyRows = !MONEY_FIELDS.some(reads)
      ? await none
      : await conn.execute<
          {
            currency: string;
            n: string;
            value: string;
            fees: string;
            refunds: string;
            value_base: string | null;
            fees_base: string | null;
            refunds_base: string | null;
            unrated: string;
          }[]
        >(
          `select s.currency, count(*) as n, sum(s.terminated_value)::numeric(16, 2)::text as value,
              sum(s.cancellation_fee)::numeric(16, 2)::text as fees, sum(s.refund_due)::numeric(16, 2)::text as refunds,
              sum(round(s.terminated_value * x.rate, 2))::numeric(16, 2)::text as value_base,
              sum(round(s.cancellation_fee * x.rate, 2))::numeric(16, 2)::text as fees_base,
              sum(round(s.refund_due * x.rate, 2))::numeric(16, 2)::text as refunds_base,
              count(*) filter (where x.rate is null) as unrated
         from settlement s join termination t on t.id = s.termination_id
        cross join lateral (select ${rateSql('s.currency', utcDay('t.effective_at'))} as rate) x
        where (?::timestamptz is null or t.effective_at >= ?::timestamptz) and (?::timestamptz is null or t.effective_at < ?::timestamptz)
        group by s.currency order by s.currency`,
          [...rated, ...p],
        );
    const missing = new Set(moneyRows.filter((r) => Number(r.unrated) > 0).map((r) => r.currency));
    const baseSum = (pick: (r: (typeof moneyRows)[number]) => string | null) =>
      money(moneyRows.reduce((sum, r) => sum.plus(pick(r) ?? 0), new Decimal(0)));
    const byStatus = !groups.has(StatsGroup.STATUS)
      ? await none
      : await conn.execute<{ key: string; count: string }[]>(
          `select t.status as key, count(*) as count from termination t where ${period} group by t.status order by count desc, t.status`,
          p,
        );
    const byReason = !groups.has(StatsGroup.REASON)
      ? await none
      : await conn.execute<{ key: string; label_zh: string; label_en: string; count: string }[]>(
          `select r.code as key, r.label_zh, r.label_en, count(*) as count from termination t join termination_reason r on r.id = t.reason_id
        where ${period} group by r.code, r.label_zh, r.label_en order by count desc, r.code`,
          p,
        );
    const byCustomer = !groups.has(StatsGroup.CUSTOMER)
      ? await none
      : await conn.execute<KeyCurrencyRow[]>(
          topByKey(`select c.code as key, c.name as label, o.currency, count(*) as count,
                 sum((t.impact->>'terminatedValue')::numeric)::numeric(16,2)::text as value,
                 sum(round((t.impact->>'terminatedValue')::numeric * x.rate, 2))::numeric(16,2)::text as value_base,
                 count(*) filter (where x.rate is null) as unrated
            from termination t join sales_order o on o.id = t.order_id join customer c on c.id = o.customer_id
           cross join lateral (select ${rateSql('o.currency', utcDay('t.created_at'))} as rate) x
           where ${period} group by c.code, c.name, o.currency`),
          [...rated, ...p],
        );
    const byProduct = !groups.has(StatsGroup.PRODUCT)
      ? await none
      : await conn.execute<KeyCurrencyRow[]>(
          topByKey(`select pr.sku as key, pr.name as label, o.currency, count(distinct t.id) as count,
                 sum(tl.amount)::numeric(16,2)::text as value, sum(round(tl.amount * x.rate, 2))::numeric(16,2)::text as value_base,
                 count(*) filter (where x.rate is null) as unrated
            from termination t join termination_line tl on tl.termination_id = t.id join sales_order_line l on l.id = tl.sales_order_line_id
            join product pr on pr.id = l.product_id join sales_order o on o.id = t.order_id
           cross join lateral (select ${rateSql('o.currency', utcDay('t.created_at'))} as rate) x
           where ${period} group by pr.sku, pr.name, o.currency`),
          [...rated, ...p],
        );
    const byDepartment = !groups.has(StatsGroup.DEPARTMENT)
      ? await none
      : await conn.execute<{ department: string; steps: string; breaches: string }[]>(
          `select s.department, count(*) as steps,
              count(*) filter (where s.due_at is not null and coalesce(s.decided_at, case when s.status = 'PENDING' then now() end) > s.due_at) as breaches
         from approval_step s join termination t on t.id = s.termination_id
        where s.status <> 'SKIPPED' and ${period} group by s.department order by s.department`,
          p,
        );
    const durations = !DURATION_FIELDS.some(reads)
      ? await none
      : await conn.execute<
          { kind: string; stage: number | null; department: string | null; n: string; median: string | null; p90: string | null }[]
        >(
          `select 'effective' as kind, null::int as stage, null as department, count(*) as n,
              percentile_cont(0.5) within group (order by extract(epoch from t.effective_at - t.created_at) / 3600) as median,
              percentile_cont(0.9) within group (order by extract(epoch from t.effective_at - t.created_at) / 3600) as p90
         from termination t where t.effective_at is not null and ${period}
       union all
       select 'closed', null, null, count(*),
              percentile_cont(0.5) within group (order by extract(epoch from t.closed_at - t.effective_at) / 3600),
              percentile_cont(0.9) within group (order by extract(epoch from t.closed_at - t.effective_at) / 3600)
         from termination t where t.closed_at is not null and t.effective_at is not null and ${period}
       union all
       select 'stage', s.stage, s.department, count(*),
              percentile_cont(0.5) within group (order by extract(epoch from s.decided_at - s.activated_at) / 3600),
              percentile_cont(0.9) within group (order by extract(epoch from s.decided_at - s.activated_at) / 3600)
         from approval_step s join termination t on t.id = s.termination_id
        where s.decided_at is not null and s.activated_at is not null and ${period}
        group by s.stage, s.department`,
          [...p, ...p, ...p],
        );
    const duration = (row?: { n: string; median: string | null; p90: string | null }): Duration => ({
      count: Number(row?.n ?? 0),
      medianHours: row?.median == null ? null : round(Number(row.median)),
      p90Hours: row?.p90 == null ? null : round(Number(row.p90)),
    });
    const byMonth = !groups.has(StatsGroup.MONTH)
      ? await none
      : await conn.execute<{ month: string; submitted: string; effective: string }[]>(
          `with months as (
         select to_char(created_at, 'YYYY-MM') as month, 1 as submitted, 0 as effective from termination t where ${period}
         union all
         select to_char(effective_at, 'YYYY-MM'), 0, 1 from termination t where effective_at is not null and ${period})
       select month, sum(submitted) as submitted, sum(effective) as effective from months group by month order by month`,
          [...p, ...p],
        );
    const byKeyMissing = new Set<string>();
    const customers = foldByKey(byCustomer, byKeyMissing);
    const products = foldByKey(byProduct, byKeyMissing);
    return {
      missingRates: [...new Set([...missing, ...byKeyMissing])].sort(),
      from: from ?? null,
      to: to ?? null,
      total: Number(totals!.total),
      pendingApprovals: Number(totals!.pending),
      awaitingCustomer: Number(totals!.awaiting),
      overdueSteps: Number(totals!.overdue),
      effectiveInPeriod: Number(totals!.effective),
      baseCurrency: base,
      terminatedValue: baseSum((r) => r.value_base),
      cancellationFees: baseSum((r) => r.fees_base),
      refunds: baseSum((r) => r.refunds_base),
      byCurrency: moneyRows.map((r) => ({
        currency: r.currency,
        count: Number(r.n),
        terminatedValue: r.value,
        cancellationFees: r.fees,
        refunds: r.refunds,
        terminatedValueInBase: Number(r.unrated) > 0 ? null : r.value_base,
        rateMissing: Number(r.unrated) > 0,
      })),
      byStatus: byStatus.map((r) => ({ key: r.key, labelZh: null, labelEn: null, count: Number(r.count) })),
      byReason: byReason.map((r) => ({ key: r.key, labelZh: r.label_zh, labelEn: r.label_en, count: Number(r.count) })),
      byMonth: byMonth.map((r) => ({ month: r.month, submitted: Number(r.submitted), effective: Number(r.effective) })),
      byCustomer: customers,
      byProduct: products,
      byDepartment: byDepartment.map((r) => ({ department: r.department, steps: Number(r.steps), slaBreaches: Number(r.breaches) })),
      submittedToEffective: duration(durations.find((d) => d.kind === 'effective')),
      effectiveToClosed: duration(durations.find((d) => d.kind === 'closed')),
      perStage: durations
        .filter((d) => d.kind === 'stage')
        .map((d) => ({ stage: d.stage!, department: d.department!, ...duration(d) }))
        .sort((a, b) => a.stage - b.stage || a.department.localeCompare(b.department)),
    };
  }
}

/** The 20 keys with most terminations (all their currencies together), one row per key and currency. */
function topByKey(perKeyAndCurrency: string): string {
  return `with per as (${perKeyAndCurrency}),
    totals as (select per.*, sum(per.count) over (partition by per.key) as total from per),
    ranked as (select totals.*, dense_rank() over (order by total desc, key) as rank from totals)
    select key, label, currency, count, value, value_base, unrated from ranked where rank <= 20 order by rank, currency`;
}

/** Per-currency rows back into one figure per key; currencies without a rate are noted in `missing`. */
function foldByKey(rows: KeyCurrencyRow[], missing: Set<string>): ValueByKey[] {
  const byKey = new Map<string, { item: ValueByKey; base: Decimal }>();
  for (const r of rows) {
    let entry = byKey.get(r.key);
    if (!entry) {
      entry = { item: { key: r.key, label: r.label, count: 0, value: '0.00', values: [] }, base: new Decimal(0) };
      byKey.set(r.key, entry);
    }
    entry.item.count += Number(r.count);
    entry.item.values.push({ currency: r.currency, amount: r.value, count: Number(r.count) });
    entry.base = entry.base.plus(r.value_base ?? 0);
    if (Number(r.unrated) > 0) missing.add(r.currency);
  }
  return [...byKey.values()].map(({ item, base }) => ({ ...item, value: money(base) }));
}

/** Hours to two decimals: enough for a dashboard, stable for tests. */
function round(hours: number): number {
  return Math.round(hours * 100) / 100;
}
