import type { RequestContext } from '../../app/context.js';
import { badInput } from '../../common/errors.js';
import { StatsGroup, type Duration, type TerminationStats } from './reporting.types.js';

const ALL_GROUPS = Object.values(StatsGroup);

/** Aggregates in SQL: a dashboard costs a few statements, whatever the volume. */
export class ReportingService {
  async stats(ctx: RequestContext, from?: Date | null, to?: Date | null, groupBy: StatsGroup[] | null = null): Promise<TerminationStats> {
    const groups = new Set(groupBy?.length ? groupBy : ALL_GROUPS);
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
    const [money] = await conn.execute<Record<string, string>[]>(
      `select coalesce(sum(s.terminated_value), 0)::numeric(16, 2)::text as value, coalesce(sum(s.cancellation_fee), 0)::numeric(16, 2)::text as fees,
              coalesce(sum(s.refund_due), 0)::numeric(16, 2)::text as refunds
         from settlement s join termination t on t.id = s.termination_id
        where (?::timestamptz is null or t.effective_at >= ?::timestamptz) and (?::timestamptz is null or t.effective_at < ?::timestamptz)`,
      p,
    );
    const none = Promise.resolve([] as never[]);
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
      : await conn.execute<{ key: string; label: string; count: string; value: string }[]>(
          `select c.code as key, c.name as label, count(*) as count, sum((t.impact->>'terminatedValue')::numeric)::numeric(16,2)::text as value
         from termination t join sales_order o on o.id = t.order_id join customer c on c.id = o.customer_id
        where ${period} group by c.code, c.name order by count desc, c.code limit 20`,
          p,
        );
    const byProduct = !groups.has(StatsGroup.PRODUCT)
      ? await none
      : await conn.execute<{ key: string; label: string; count: string; value: string }[]>(
          `select pr.sku as key, pr.name as label, count(distinct t.id) as count, sum(tl.amount)::numeric(16,2)::text as value
         from termination t join termination_line tl on tl.termination_id = t.id join sales_order_line l on l.id = tl.sales_order_line_id
         join product pr on pr.id = l.product_id
        where ${period} group by pr.sku, pr.name order by count desc, pr.sku limit 20`,
          p,
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
    const durations = await conn.execute<
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
    return {
      from: from ?? null,
      to: to ?? null,
      total: Number(totals!.total),
      pendingApprovals: Number(totals!.pending),
      awaitingCustomer: Number(totals!.awaiting),
      overdueSteps: Number(totals!.overdue),
      effectiveInPeriod: Number(totals!.effective),
      terminatedValue: money!.value!,
      cancellationFees: money!.fees!,
      refunds: money!.refunds!,
      byStatus: byStatus.map((r) => ({ key: r.key, labelZh: null, labelEn: null, count: Number(r.count) })),
      byReason: byReason.map((r) => ({ key: r.key, labelZh: r.label_zh, labelEn: r.label_en, count: Number(r.count) })),
      byMonth: byMonth.map((r) => ({ month: r.month, submitted: Number(r.submitted), effective: Number(r.effective) })),
      byCustomer: byCustomer.map((r) => ({ key: r.key, label: r.label, count: Number(r.count), value: r.value })),
      byProduct: byProduct.map((r) => ({ key: r.key, label: r.label, count: Number(r.count), value: r.value })),
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

/** Hours to two decimals: enough for a dashboard, stable for tests. */
function round(hours: number): number {
  return Math.round(hours * 100) / 100;
}
