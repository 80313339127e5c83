import type { Permission } from '@ot/shared';
import { GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../kernel/context.js';
import type { DomainEventType } from '../kernel/domain-events.js';
import { eventTypeName } from '../modules/events/event-catalogue.js';
import { FollowUpTask } from '../modules/follow-up/follow-up-task.entity.js';
import { SalesOrder } from '../modules/order/sales-order.entity.js';

/**
 * The lists that download as spreadsheets, each as it is filtered in the SPA: the filter is the
 * list's GraphQL filter input (JSON, coerced by the schema, so the same values mean the same
 * rows), read page by page through the list's own service so that the sheet has exactly the
 * rows the list shows, in its order.
 */
export type ExportLanguage = 'zh-CN' | 'en';

export interface ExportColumn<Row> {
  key: string;
  zh: string;
  en: string;
  /** Spreadsheet width in characters. */
  width?: number;
  value: (row: Row) => string | number | Date | null;
}

export interface ListExport<Row> {
  /** The GraphQL input type of the list's filter: its values are coerced exactly as the GraphQL list's are. */
  filterType: (schema: GraphQLSchema) => GraphQLInputType;
  needs: Permission;
  columns: ExportColumn<Row>[];
  /** Pages of rows in the list's order (at most MAX_EXPORT_ROWS in all). */
  pages(ctx: RequestContext, filter: Record<string, unknown> | null): AsyncIterable<Row[]>;
}

/** The longest sheet one request writes: 200 pages of 100. */
export const MAX_EXPORT_ROWS = 20_000;
const PAGE = 100;

const money = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? null : Number(value));

/** Pages of a cursor-paginated list, as its GraphQL field returns them. */
async function* cursorPages<T>(
  read: (after: string | null) => Promise<{ edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>,
): AsyncIterable<T[]> {
  let after: string | null = null;
  for (let page = 0; page < MAX_EXPORT_ROWS / PAGE; page++) {
    const conn = await read(after);
    yield conn.edges.map((e) => e.node);
    if (!conn.pageInfo.hasNextPage) return;
    after = conn.pageInfo.endCursor;
  }
}

/** What each termination row reads (the list fetches nothing else). */
export const TERMINATION_EXPORT_SELECTION = new Set([
  'number',
  'status',
  'scope',
  'createdAt',
  'effectiveAt',
  'closedAt',
  'order.number',
  'order.customer.name',
  'reason.code',
  'impact.terminatedValue',
  'impact.currency',
  'impact.cancellationFee',
  'impact.refundDue',
]);

type TerminationRow = Awaited<ReturnType<RequestContext['services']['terminations']['list']>>['edges'][number]['node'];

const terminations: ListExport<TerminationRow> = {
  filterType: (schema) => schema.getType('TerminationFilter') as GraphQLInputType,
  needs: 'terminations:read',
  columns: [
    { key: 'number', zh: '终止单号', en: 'Number', width: 18, value: (t) => t.number },
    { key: 'status', zh: '状态', en: 'Status', width: 18, value: (t) => t.status },
    { key: 'order', zh: '订单', en: 'Order', width: 16, value: (t) => t.order.number },
    { key: 'customer', zh: '客户', en: 'Customer', width: 24, value: (t) => t.order.customer.name },
    { key: 'reason', zh: '原因', en: 'Reason', width: 22, value: (t) => t.reason.code },
    { key: 'scope', zh: '范围', en: 'Scope', value: (t) => t.scope },
    { key: 'terminated_value', zh: '终止金额', en: 'Terminated value', width: 14, value: (t) => money(t.impact.terminatedValue) },
    { key: 'currency', zh: '币种', en: 'Currency', value: (t) => t.impact.currency },
    { key: 'cancellation_fee', zh: '违约金', en: 'Cancellation fee', width: 14, value: (t) => money(t.impact.cancellationFee) },
    { key: 'refund_due', zh: '应退款', en: 'Refund due', width: 14, value: (t) => money(t.impact.refundDue) },
    { key: 'requested_at', zh: '申请时间', en: 'Requested at', width: 20, value: (t) => t.createdAt },
    { key: 'effective_at', zh: '生效时间', en: 'Effective at', width: 20, value: (t) => t.effectiveAt ?? null },
    { key: 'closed_at', zh: '关闭时间', en: 'Closed at', width: 20, value: (t) => t.closedAt ?? null },
  ],
  pages: (ctx, filter) =>
    cursorPages((after) => ctx.services.terminations.list(ctx, filter as never, PAGE, after, TERMINATION_EXPORT_SELECTION)),
};

const orders: ListExport<SalesOrder> = {
  filterType: (schema) => schema.getType('OrderFilter') as GraphQLInputType,
  needs: 'orders:read',
  columns: [
    { key: 'number', zh: '订单号', en: 'Number', width: 16, value: (o) => o.number },
    { key: 'customer', zh: '客户', en: 'Customer', width: 24, value: (o) => o.customer.name },
    { key: 'status', zh: '状态', en: 'Status', width: 22, value: (o) => o.status },
    { key: 'stage', zh: '阶段', en: 'Stage', width: 14, value: (o) => o.stage },
    { key: 'order_date', zh: '下单日期', en: 'Order date', width: 12, value: (o) => o.orderDate },
    { key: 'total_amount', zh: '金额', en: 'Total amount', width: 14, value: (o) => money(o.totalAmount) },
    { key: 'currency', zh: '币种', en: 'Currency', value: (o) => o.currency },
  ],
  async *pages(ctx, filter) {
    for await (const rows of cursorPages((after) => ctx.services.orders.list(ctx, filter as never, PAGE, after))) {
      await ctx.em.populate(rows, ['customer']);
      yield rows;
      ctx.em.clear();
    }
  },
};

const followUpTasks: ListExport<FollowUpTask> = {
  filterType: (schema) => schema.getType('FollowUpTaskFilter') as GraphQLInputType,
  needs: 'terminations:read',
  columns: [
    { key: 'termination', zh: '终止单号', en: 'Termination', width: 18, value: (t) => t.termination.number },
    { key: 'kind', zh: '类型', en: 'Kind', width: 22, value: (t) => t.kind },
    { key: 'department', zh: '部门', en: 'Department', width: 14, value: (t) => t.department },
    { key: 'status', zh: '状态', en: 'Status', value: (t) => t.status },
    { key: 'assignee', zh: '负责人', en: 'Owner', width: 14, value: (t) => t.assignee?.name ?? null },
    { key: 'due_at', zh: '截止时间', en: 'Due at', width: 20, value: (t) => t.dueAt },
    { key: 'completed_at', zh: '完成时间', en: 'Completed at', width: 20, value: (t) => t.completedAt ?? null },
    { key: 'completed_by', zh: '完成人', en: 'Completed by', width: 14, value: (t) => t.completedByName ?? null },
    { key: 'instructions', zh: '说明', en: 'Instructions', width: 60, value: (t) => t.instructions },
  ],
  async *pages(ctx, filter) {
    for await (const rows of cursorPages((after) => ctx.services.followUps.list(ctx, filter as never, PAGE, after))) {
      await ctx.em.populate(rows, ['termination', 'assignee']);
      yield rows;
      ctx.em.clear();
    }
  },
};

interface AuditRow {
  sequence: string;
  occurredAt: Date;
  type: DomainEventType;
  actorType: string;
  actorName: string;
  terminationNumber: string | null;
  data: Record<string, unknown>;
}

/**
 * The event log as the `events` feed reads it (oldest first, what the reader may see), filtered by
 * type; one termination's trail whole (the feed alone keeps only EVENT_RETENTION_DAYS).
 */
const audit: ListExport<AuditRow> = {
  // The feed's own arguments, `types: [EventType!]` and `terminationNumber`, as a filter object.
  filterType: (schema) =>
    new GraphQLInputObjectType({
      name: 'AuditExportFilter',
      fields: {
        types: { type: new GraphQLList(new GraphQLNonNull(schema.getType('EventType') as GraphQLInputType)) },
        terminationNumber: { type: GraphQLString },
      },
    }),
  needs: 'events:subscribe',
  columns: [
    { key: 'sequence', zh: '序号', en: 'Sequence', width: 10, value: (e) => e.sequence },
    { key: 'occurred_at', zh: '时间', en: 'Occurred at', width: 20, value: (e) => e.occurredAt },
    { key: 'type', zh: '事件', en: 'Event', width: 28, value: (e) => eventTypeName(e.type) },
    { key: 'actor_type', zh: '操作方类型', en: 'Actor type', width: 10, value: (e) => e.actorType },
    { key: 'actor', zh: '操作人', en: 'Actor', width: 18, value: (e) => e.actorName },
    { key: 'termination', zh: '终止单号', en: 'Termination', width: 18, value: (e) => e.terminationNumber },
    { key: 'data', zh: '内容', en: 'Data', width: 80, value: (e) => JSON.stringify(e.data) },
  ],
  async *pages(ctx, filter) {
    let after: string | null = null;
    const types = (filter?.types as string[] | undefined) ?? null;
    const terminationNumber = (filter?.terminationNumber as string | undefined)?.trim() || null;
    for (let page = 0; page < MAX_EXPORT_ROWS / PAGE; page++) {
      const read = await ctx.services.eventFeed.read(ctx.em, {
        after,
        limit: PAGE,
        types,
        terminationNumber,
        // One termination's trail is its audit record: all of it, like its page, however old.
        wholeTrail: true,
        permissions: ctx.actor!.permissions,
      });
      yield read.events;
      if (!read.hasMore || !read.events.length) return;
      after = read.events.at(-1)!.cursor;
    }
  },
};

/** A list whose rows only its own columns read: the route need not know the row type. */
export type AnyListExport = ListExport<unknown>;
const erase = <Row>(list: ListExport<Row>) => list as unknown as AnyListExport;

export const LIST_EXPORTS: Record<string, AnyListExport> = {
  terminations: erase(terminations),
  orders: erase(orders),
  'follow-up-tasks': erase(followUpTasks),
  audit: erase(audit),
};
