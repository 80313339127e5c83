import type { RequestContext } from '../../kernel/context.js';
import { parseId } from '../../common/errors.js';
import { boundedCountSql, type PageRequest } from '../../common/pagination.js';
import { queryPrepared } from '../../common/prepared-query.js';
import { readModel } from '../../common/read-model.js';
import { fieldsBelow, rowJson } from '../../common/row-json.js';
import { ApprovalStep } from '../approval/approval-step.entity.js';
import { User } from '../identity/user.entity.js';
import { Customer } from '../order/customer.entity.js';
import { likePattern } from '../../common/text.js';
import { terminationSearchSql } from '../order/order-search.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { TerminationReason } from './termination-reason.entity.js';
import { Termination } from './termination.entity.js';
import type { TerminationFilter } from './termination.types.js';

/** Relations a list page loads in its one statement when they are selected. */
const PAGE_RELATIONS = ['reason', 'requestedBy', 'order', 'order.customer', 'order.lines', 'order.lines.product', 'approvalSteps'] as const;

/**
 * What a list page reads, as dotted paths relative to one termination (e.g. "order.customer.name"),
 * taken from the GraphQL selection or written out by a caller such as the CSV export.
 */
export type PageSelection = ReadonlySet<string>;

/** The paths below `prefix` (e.g. "edges.node") of a query's selection, relative to it. */
export function selectionBelow(selected: ReadonlySet<string>, prefix: string): PageSelection {
  const start = `${prefix}.`;
  return new Set([...selected].filter((p) => p.startsWith(start)).map((p) => p.slice(start.length)));
}

/** The terminations a filter keeps, as SQL over `termination t` with `$n` parameters. */
interface FilterSql {
  conditions: string[];
  values: unknown[];
}

function filterSql(ctx: RequestContext, filter: TerminationFilter | null | undefined): FilterSql {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions: string[] = [];
  const search = filter?.search?.trim();
  const orderNumber = filter?.orderNumber?.trim();
  // One status reads the page straight off the (status, created_at, id) index; "= any" cannot.
  if (filter?.status?.length === 1) conditions.push(`t.status = ${param(filter.status[0])}`);
  else if (filter?.status?.length) conditions.push(`t.status = any(${param(filter.status)}::text[])`);
  if (filter?.reasonCode) conditions.push(`t.reason_id = (select id from termination_reason where code = ${param(filter.reasonCode)})`);
  if (orderNumber) conditions.push(`t.order_id = (select id from sales_order where number = ${param(orderNumber)})`);
  if (search) conditions.push(terminationSearchSql(search, param(likePattern(search))));
  if (filter?.pendingDepartment) {
    conditions.push(
      `exists (select 1 from approval_step s where s.termination_id = t.id and s.status = 'PENDING' and s.department = ${param(filter.pendingDepartment)})`,
    );
  }
  if (filter?.mine && ctx.actor?.kind === 'user') conditions.push(`t.requested_by_id = ${param(ctx.actor.userId)}`);
  if (filter?.bulkRunId) conditions.push(`t.bulk_run_id = ${param(parseId(filter.bulkRunId, 'bulkRunId'))}`);
  if (filter?.overdue) {
    conditions.push(`exists (select 1 from approval_step s where s.termination_id = t.id and s.status = 'PENDING' and s.due_at < now())`);
  }
  if (filter?.effectiveFrom) conditions.push(`t.effective_at >= ${param(filter.effectiveFrom)}`);
  if (filter?.effectiveTo) conditions.push(`t.effective_at < ${param(filter.effectiveTo)}`);
  return { conditions, values };
}

const where = (conditions: readonly string[]) => (conditions.length ? `where ${conditions.join(' and ')}` : '');

/** A page of terminations (newest first) with what `selection` reads, and their counts (exact, bounded) on demand. */
export async function loadTerminations(
  ctx: RequestContext,
  filter: TerminationFilter | null | undefined,
  page: PageRequest,
  selection: PageSelection,
): Promise<{ rows: Termination[]; count: () => Promise<number>; countBounded: () => Promise<number> }> {
  const f = filterSql(ctx, filter);
  const values = [...f.values];
  const param = (value: unknown) => `$${values.push(value)}`;
  const conditions = [...f.conditions];
  // The limit is written into the statement (a validated 1..100): with it as a parameter, the
  // cached generic plan cannot know the page is small and scans and sorts the whole table.
  if (page.after) conditions.push(`(t.created_at, t.id) < (${param(page.after[0])}::timestamptz, ${param(page.after[1])}::uuid)`);
  const pageSql = `select t.* from termination t ${where(conditions)} order by t.created_at desc, t.id desc limit ${Number(page.limit) + 1}`;
  const rows = await loadTerminationPage(ctx, { sql: pageSql, values }, selection);
  const count = async () => {
    const [row] = await queryPrepared<{ n: number }>(
      ctx.em,
      `select count(*)::int as n from termination t ${where(f.conditions)}`,
      f.values,
    );
    return row!.n;
  };
  const countBounded = async () => {
    const [row] = await queryPrepared<{ n: number }>(
      ctx.em,
      boundedCountSql(`select 1 from termination t ${where(f.conditions)}`),
      f.values,
    );
    return row!.n;
  };
  return { rows, count, countBounded };
}

type Json = Record<string, unknown>;
type PageRow = { t: Json; o?: { o: Json; c?: Json; lines?: { l: Json; p?: Json }[] }; r?: Json; u?: Json; s?: Json[] };

/** A key of the impact snapshot, as a GraphQL field name: safe to print into SQL. */
const IMPACT_KEY = /^[A-Za-z]{1,64}$/;

/**
 * One statement returns the page (`page`: the terminations, sorted and limited) with the
 * relations the selection names, each aggregated per row in PostgreSQL (no row multiplication),
 * and of every row only the columns behind the selected fields; the large impact snapshot is
 * trimmed to the keys read. The rows come back as read models the field resolvers use directly.
 */
async function loadTerminationPage(
  ctx: RequestContext,
  page: { sql: string; values: readonly unknown[] },
  selection: PageSelection,
): Promise<Termination[]> {
  const { em } = ctx;
  const has = (relation: string) => [...selection].some((p) => p === relation || p.startsWith(`${relation}.`));
  const fields = (prefix: string) => fieldsBelow(selection, prefix);
  const populate = new Set(PAGE_RELATIONS.filter(has));

  const impactKeys = [...new Set([...[...fieldsBelow(selection, 'impact')].filter((k) => IMPACT_KEY.test(k)), 'computedAt'])];
  // The snapshot (several kB) is stored compressed out of line: every `t.impact->'key'` would
  // fetch and decompress it again; jsonb_to_record reads all the keys from one copy.
  const impactJson = `(select jsonb_build_object(${impactKeys.map((k) => `'${k}', i."${k}"`).join(', ')}) from jsonb_to_record(t.impact) as i(${impactKeys.map((k) => `"${k}" jsonb`).join(', ')}))`;
  const terminationJson = rowJson(em, Termination, 't', fields(''), { always: ['createdAt'], custom: { impact: impactJson } });

  const productJson = populate.has('order.lines.product')
    ? `, 'p', (select ${rowJson(em, Product, 'p', fields('order.lines.product'))} from product p where p.id = l.product_id)`
    : '';
  const lineJson = `json_build_object('l', ${rowJson(em, SalesOrderLine, 'l', fields('order.lines'))}${productJson})`;
  const customerJson = populate.has('order.customer')
    ? `, 'c', (select ${rowJson(em, Customer, 'c', fields('order.customer'))} from customer c where c.id = o.customer_id)`
    : '';
  const linesJson = populate.has('order.lines')
    ? `, 'lines', (select coalesce(json_agg(${lineJson} order by l.line_no), '[]') from sales_order_line l where l.order_id = o.id)`
    : '';
  const orderJson = `json_build_object('o', ${rowJson(em, SalesOrder, 'o', fields('order'))}${customerJson}${linesJson})`;

  // One JSON document per row, aggregated into one value for the page: the driver parses a
  // single result instead of a column per relation and row.
  const parts = [
    `'t', ${terminationJson}`,
    populate.has('order') ? `'o', (select ${orderJson} from sales_order o where o.id = t.order_id)` : null,
    populate.has('reason')
      ? `'r', (select ${rowJson(em, TerminationReason, 'r', fields('reason'))} from termination_reason r where r.id = t.reason_id)`
      : null,
    populate.has('requestedBy')
      ? `'u', (select ${rowJson(em, User, 'u', fields('requestedBy'), { omit: ['password_hash'] })} from app_user u where u.id = t.requested_by_id)`
      : null,
    populate.has('approvalSteps')
      ? `'s', (select coalesce(json_agg(${rowJson(em, ApprovalStep, 's', fields('approvalSteps'))} order by s.stage, s.department, s.id), '[]') from approval_step s where s.termination_id = t.id)`
      : null,
  ].filter(Boolean);
  const statement = `select coalesce(json_agg(json_build_object(${parts.join(', ')}) order by t.created_at desc, t.id desc), '[]') as page from (${page.sql}) t`;
  const [{ page: result }] = (await queryPrepared<{ page: PageRow[] }>(em, statement, page.values)) as [{ page: PageRow[] }];

  const asTermination = readModel(em, Termination);
  const asOrder = readModel(em, SalesOrder);
  const asCustomer = readModel(em, Customer);
  const asLine = readModel(em, SalesOrderLine);
  const asProduct = readModel(em, Product);
  const asReason = readModel(em, TerminationReason);
  const asUser = readModel(em, User);
  const asStep = readModel(em, ApprovalStep);
  return result.map((row) => {
    const t = asTermination(row.t);
    if (row.o) {
      const o = asOrder(row.o.o);
      if (row.o.c) o.customer = asCustomer(row.o.c);
      if (row.o.lines) {
        o.lines = row.o.lines.map((x) => {
          const line = asLine(x.l);
          if (x.p) line.product = asProduct(x.p);
          return line;
        }) as never;
      }
      t.order = o;
    }
    if (row.r) t.reason = asReason(row.r);
    if (row.u) t.requestedBy = asUser(row.u);
    if (row.s) t.approvalSteps = row.s.map(asStep) as never;
    return t;
  });
}
