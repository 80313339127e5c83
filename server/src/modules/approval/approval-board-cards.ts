import type { RequestContext } from '../../kernel/context.js';
import { badInput, parseId } from '../../common/errors.js';
import { pageRequest, toConnection } from '../../common/pagination.js';
import { queryPrepared } from '../../common/prepared-query.js';
import { likePattern } from '../../common/text.js';
import { ApprovalStep } from './approval-step.entity.js';
import type { ApprovalBoardFilter } from './approval.types.js';

/** Where a pending step without a due time sorts (last); every active step has one, so this is a guard. */
const NO_DUE_TIME = '9999-12-31T00:00:00.000Z';
const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

function amount(value: string | null | undefined, field: string): string | null {
  const text = value?.trim();
  if (!text) return null;
  if (!AMOUNT.test(text)) throw badInput(`${field} must be an amount like 1200 or 1200.50.`, field);
  return text;
}

/**
 * The pending cards of one department's board (what waits for its head) that the filter keeps,
 * as SQL over `approval_step s` joined to its termination, with `$n` parameters. The amount is
 * the impact's terminated value, compared as a number whatever the currency (as the board shows it).
 */
function cardsSql(department: string, filter: ApprovalBoardFilter | null | undefined) {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions = [`s.department = ${param(department)}`, `s.status = 'PENDING'`, `t.status = 'PENDING_APPROVAL'`];
  const min = amount(filter?.minAmount, 'minAmount');
  const max = amount(filter?.maxAmount, 'maxAmount');
  const customer = filter?.customer?.trim();
  if (filter?.bulkRunId) conditions.push(`t.bulk_run_id = ${param(parseId(filter.bulkRunId, 'bulkRunId'))}`);
  if (filter?.reasonCode) conditions.push(`t.reason_id = (select id from termination_reason where code = ${param(filter.reasonCode)})`);
  if (min) conditions.push(`(t.impact->>'terminatedValue')::numeric >= ${param(min)}::numeric`);
  if (max) conditions.push(`(t.impact->>'terminatedValue')::numeric <= ${param(max)}::numeric`);
  if (filter?.overdue) conditions.push(`s.due_at < now()`);
  if (customer) {
    const p = param(likePattern(customer));
    conditions.push(
      `exists (select 1 from sales_order o join customer c on c.id = o.customer_id where o.id = t.order_id and (c.name ilike ${p} or c.name_en ilike ${p}))`,
    );
  }
  return { from: `approval_step s join termination t on t.id = s.termination_id where ${conditions.join(' and ')}`, values };
}

/** How many cards wait, and how many of them are overdue (one statement). */
export async function countBoardCards(ctx: RequestContext, department: string, filter?: ApprovalBoardFilter | null) {
  const { from, values } = cardsSql(department, filter);
  const [row] = await queryPrepared<{ n: number; overdue: number }>(
    ctx.em,
    `select count(*)::int as n, (count(*) filter (where s.due_at < now()))::int as overdue from ${from}`,
    values,
  );
  return { pending: row!.n, overdue: row!.overdue };
}

/**
 * One page of a board's cards, soonest due first, by keyset: the page's ids in one statement, the
 * steps in a second; what the cards show (termination, order, customer) comes through the loaders,
 * a fixed number of statements whatever the page size. The total is counted only when selected.
 */
export async function boardCardsPage(
  ctx: RequestContext,
  department: string,
  filter: ApprovalBoardFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
) {
  const page = pageRequest(first, after);
  const { from, values } = cardsSql(department, filter);
  const pageValues = [...values];
  const param = (value: unknown) => `$${pageValues.push(value)}`;
  // At the cursor's precision (milliseconds): a due time with microseconds would repeat the page's last card on the next page.
  const due = `date_trunc('milliseconds', coalesce(s.due_at, '${NO_DUE_TIME}'::timestamptz))`;
  const keyset = page.after ? ` and (${due}, s.id) > (${param(page.after[0])}::timestamptz, ${param(page.after[1])}::uuid)` : '';
  // The limit is written into the statement (1..100, validated): a parameter would let the cached generic plan sort everything.
  const ids = await queryPrepared<{ id: string }>(
    ctx.em,
    `select s.id from ${from}${keyset} order by ${due}, s.id limit ${Number(page.limit) + 1}`,
    pageValues,
  );
  const steps = ids.length ? await ctx.em.find(ApprovalStep, { id: { $in: ids.map((r) => r.id) } }) : [];
  const byId = new Map(steps.map((s) => [s.id, s]));
  const rows = ids.map((r) => byId.get(r.id)).filter((s): s is ApprovalStep => Boolean(s));
  return toConnection(
    rows,
    page,
    async () => (await countBoardCards(ctx, department, filter)).pending,
    (step) => (step.dueAt ?? new Date(NO_DUE_TIME)).toISOString(),
  );
}
