import type { RequestContext } from '../../app/context.js';
import { badInput } from '../../common/errors.js';
import type { TerminationStats } from './reporting.types.js';

/** Aggregates in SQL: a dashboard costs a few statements, whatever the volume. */
export class ReportingService {
  async stats(ctx: RequestContext, from?: Date | null, to?: Date | null): Promise<TerminationStats> {
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
    const byStatus = await conn.execute<{ key: string; count: string }[]>(
      `select t.status as key, count(*) as count from termination t where ${period} group by t.status order by count desc`,
      p,
    );
    const byReason = await conn.execute<{ key: string; label_zh: string; label_en: string; count: string }[]>(
      `select r.code as key, r.label_zh, r.label_en, count(*) as count from termination t join termination_reason r on r.id = t.reason_id
        where ${period} group by r.code, r.label_zh, r.label_en order by count desc`,
      p,
    );
    const byMonth = await conn.execute<{ month: string; submitted: string; effective: string }[]>(
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
    };
  }
}
