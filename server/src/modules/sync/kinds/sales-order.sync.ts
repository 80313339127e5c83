import { randomUUID } from 'node:crypto';
import { ORDER_STAGES, ORDER_STATUSES, type OrderStage, type OrderStatus, type TerminationStatus } from '@ot/shared';
import { Field, InputType, Int } from 'type-graphql';
import { Decimal, money } from '../../../common/money.js';
import { OrderStageEnum } from '../../order/contract.entity.js';
import { OrderStatusEnum, SalesOrder } from '../../order/sales-order.entity.js';
import type { RefKind, RefRequest, SqlSyncKind, StoredRow } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';
import type { RowError } from '../sync-validation.js';
import { foreignLines, lineOwners } from '../line-owners.js';
import { loadStored, placeholders, updateRows, upsertRows, writeVersions, type Column } from '../sql-write.js';

const MAX_LINES = 200;
/** Statuses only terminations set; an ERP may report an order TERMINATED (cancelled there), not these. */
const TERMINATION_OWNED: readonly OrderStatus[] = ['TERMINATION_PENDING', 'PARTIALLY_TERMINATED'];
const SYNCABLE_STATUSES = ORDER_STATUSES.filter((s) => !TERMINATION_OWNED.includes(s));
/** Termination statuses during which the order's lines must stay as the termination saw them. */
export const RUNNING_TERMINATION: TerminationStatus[] = ['PENDING_APPROVAL', 'AWAITING_CUSTOMER'];

@InputType()
export class SalesOrderLineSyncInput {
  @Field(() => String, { description: 'Unique within the source: purchase-order lines and reservations point here' })
  externalId!: string;
  @Field(() => Int, { nullable: true })
  lineNo?: number | null;
  @Field(() => String, { nullable: true })
  productExternalId?: string | null;
  @Field(() => Int, { nullable: true })
  quantity?: number | null;
  @Field(() => String, { nullable: true, description: 'Decimal string, 2 places' })
  unitPrice?: string | null;
  @Field(() => Int, { nullable: true, description: 'Default 0 for a new line; unchanged when omitted' })
  shippedQuantity?: number | null;
}

@InputType()
export class SalesOrderSyncInput extends SyncRecordInput {
  @Field(() => String, { nullable: true })
  number?: string | null;
  @Field(() => String, { nullable: true })
  customerExternalId?: string | null;
  @Field(() => String, { nullable: true })
  contractExternalId?: string | null;
  @Field(() => String, { nullable: true })
  currency?: string | null;
  @Field(() => OrderStageEnum, { nullable: true })
  stage?: OrderStage | null;
  @Field(() => OrderStatusEnum, { nullable: true, description: 'TERMINATED means cancelled in the ERP' })
  status?: OrderStatus | null;
  @Field(() => String, { nullable: true })
  orderDate?: string | null;
  @Field(() => String, { nullable: true })
  requestedDeliveryDate?: string | null;
  @Field(() => [SalesOrderLineSyncInput], {
    nullable: true,
    description: 'Every line of the order: a stored line left out is closed (its quantity cut to what was shipped or terminated)',
  })
  lines?: SalesOrderLineSyncInput[] | null;
}

/** What a running termination takes from one stored line. */
interface RunningLine {
  salesOrderLineId: string;
  quantity: number;
}

/** A referenced row: its id, and the id of a relation where the guard compares one. */
interface Ref {
  id: string;
  customer?: { id: string };
}

/** A stored order line as the guard and the write read it (and as later kinds of the call reference it). */
interface StoredLine extends StoredRow {
  lineNo: number;
  product: { id: string };
  order: { id: string };
  quantity: number;
  shippedQuantity: number;
  terminatedQuantity: number;
  unitPrice: string;
}

interface StoredOrder extends StoredRow {
  status: OrderStatus;
  statusBeforeTermination: OrderStatus | null;
  customer: { id: string };
  lines: StoredLine[];
}

const ORDER_COLUMNS: Column[] = [
  ['id', 'uuid'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['source_version', 'bigint'],
  ['content_hash', 'text'],
  ['number', 'text'],
  ['customer_id', 'uuid'],
  ['contract_id', 'uuid'],
  ['status', 'text'],
  ['status_before_termination', 'text'],
  ['stage', 'text'],
  ['currency', 'text'],
  ['total_amount', 'numeric'],
  ['order_date', 'date'],
  ['requested_delivery_date', 'date'],
];
const LINE_COLUMNS: Column[] = [
  ['id', 'uuid'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['order_id', 'uuid'],
  ['line_no', 'int'],
  ['product_id', 'uuid'],
  ['quantity', 'int'],
  ['unit_price', 'numeric'],
  ['shipped_quantity', 'int'],
];
/** Everything but the identity (id, source, external id, and a line's order) follows the sender. */
const updatable = (columns: Column[], fixed: string[]) =>
  columns.map(([name]) => name).filter((name) => !['id', 'source', 'external_id', ...fixed].includes(name));

/**
 * The order the stored order becomes, and its lines: sent lines as sent (the shipped quantity
 * kept when not sent), stored lines left out closed (cut to what was shipped or terminated).
 */
function nextOrder(row: SalesOrderSyncInput, existing: StoredOrder | null, product: (externalId: string) => string) {
  const id = existing?.id ?? randomUUID();
  // A running termination restores the status it found; outcomes of terminations are kept.
  let status = row.status!;
  let statusBeforeTermination = existing?.statusBeforeTermination ?? null;
  if (existing?.status === 'TERMINATION_PENDING') {
    status = existing.status;
    statusBeforeTermination = row.status!;
  } else if (existing && TERMINATION_OWNED.includes(existing.status) && row.status !== 'TERMINATED') status = existing.status;

  const lines: StoredLine[] = [];
  const closed: StoredLine[] = [];
  const sentIds = new Set<string>();
  for (const sent of row.lines ?? []) {
    const externalId = sent.externalId.trim();
    sentIds.add(externalId);
    const was = existing?.lines.find((l) => l.externalId === externalId);
    lines.push({
      id: was?.id ?? randomUUID(),
      externalId,
      sourceVersion: null,
      contentHash: null,
      lineNo: sent.lineNo!,
      product: { id: product(sent.productExternalId!.trim()) },
      order: { id },
      quantity: sent.quantity!,
      shippedQuantity: sent.shippedQuantity ?? was?.shippedQuantity ?? 0,
      terminatedQuantity: was?.terminatedQuantity ?? 0,
      unitPrice: sent.unitPrice!.trim(),
    });
  }
  // No hard deletes: a line the ERP no longer sends keeps what happened to it and nothing more.
  for (const was of existing?.lines ?? []) {
    if (was.externalId && sentIds.has(was.externalId)) continue;
    const quantity = was.shippedQuantity + was.terminatedQuantity;
    if (quantity !== was.quantity) closed.push({ ...was, quantity });
  }
  const kept = (existing?.lines ?? []).filter((l) => !(l.externalId && sentIds.has(l.externalId)));
  const all = [...lines, ...kept.map((l) => closed.find((c) => c.id === l.id) ?? l)];
  const total = money(all.reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0)));
  return { id, status, statusBeforeTermination, lines, closed, all, total };
}

export const salesOrderSync: SqlSyncKind<
  SalesOrderSyncInput,
  StoredOrder,
  { lineOwners: Map<string, string>; running: Map<string, RunningLine[]> }
> = {
  kind: SyncRecordKind.SALES_ORDER,
  field: 'salesOrders',
  entity: SalesOrder,
  refKind: 'salesOrder',
  naturalKey: { property: 'number', path: 'number', value: (row) => row.number?.trim() },
  check(row, c) {
    c.text('number', row.number, 32);
    c.text('customerExternalId', row.customerExternalId, 128);
    c.text('contractExternalId', row.contractExternalId, 128);
    c.currency('currency', row.currency);
    c.oneOf('stage', row.stage, ORDER_STAGES);
    c.oneOf('status', row.status, SYNCABLE_STATUSES);
    c.date('orderDate', row.orderDate);
    c.date('requestedDeliveryDate', row.requestedDeliveryDate, true);
    const lines = row.lines ?? [];
    if (!lines.length) c.fail('lines', 'REQUIRED', 'An order has at least one line.');
    if (lines.length > MAX_LINES) c.fail('lines', 'TOO_LONG', `At most ${MAX_LINES} lines.`);
    const lineNos = new Set<number>();
    const ids = new Set<string>();
    lines.slice(0, MAX_LINES).forEach((line, i) => {
      const p = `lines[${i}]`;
      const id = c.text(`${p}.externalId`, line.externalId, 128);
      if (id && ids.has(id)) c.fail(`${p}.externalId`, 'DUPLICATE_IN_CALL', `Line ${id} appears twice in the order.`);
      if (id) ids.add(id);
      const no = c.int(`${p}.lineNo`, line.lineNo, 1, 9999);
      if (no !== null && lineNos.has(no)) c.fail(`${p}.lineNo`, 'INVALID', `Line number ${no} appears twice.`);
      if (no !== null) lineNos.add(no);
      c.text(`${p}.productExternalId`, line.productExternalId, 128);
      const quantity = c.int(`${p}.quantity`, line.quantity, 1);
      c.money(`${p}.unitPrice`, line.unitPrice);
      const shipped = c.int(`${p}.shippedQuantity`, line.shippedQuantity, 0, 1_000_000_000, true);
      if (quantity !== null && shipped !== null && shipped > quantity) {
        c.fail(`${p}.shippedQuantity`, 'INVALID', 'More shipped than ordered.');
      }
    });
  },
  references(row) {
    const refs: RefRequest[] = [];
    if (row.customerExternalId) refs.push({ path: 'customerExternalId', kind: 'customer', externalId: row.customerExternalId.trim() });
    if (row.contractExternalId) refs.push({ path: 'contractExternalId', kind: 'contract', externalId: row.contractExternalId.trim() });
    (row.lines ?? []).forEach((line, i) => {
      if (line.productExternalId) {
        refs.push({ path: `lines[${i}].productExternalId`, kind: 'product', externalId: line.productExternalId.trim() });
      }
    });
    return refs;
  },
  children: (row) =>
    (row.lines ?? []).map((line, i) => ({ kind: 'salesOrderLine', path: `lines[${i}].externalId`, externalId: line.externalId.trim() })),

  async prepare({ em, source }, rows) {
    // Which order holds each sent line's external id, and what running terminations take from
    // the stored orders: two statements for the whole call.
    const lineOwnerMap = await lineOwners(em, 'sales_order_line', 'order_id', source, rows);
    const orderIds = rows.flatMap(({ existing }) => (existing ? [existing.id] : []));
    const running = new Map<string, RunningLine[]>();
    if (orderIds.length) {
      const taken = await em.execute<(RunningLine & { orderId: string })[]>(
        `select t.order_id as "orderId", tl.sales_order_line_id as "salesOrderLineId", tl.quantity
           from termination_line tl join termination t on t.id = tl.termination_id
          where t.order_id in (${placeholders(orderIds.length)}) and t.status in (${placeholders(RUNNING_TERMINATION.length)})`,
        [...orderIds, ...RUNNING_TERMINATION],
      );
      for (const { orderId, ...line } of taken) running.set(orderId, [...(running.get(orderId) ?? []), line]);
    }
    return { lineOwners: lineOwnerMap, running };
  },

  guard(_scope, row, existing, refs, { lineOwners: owners, running: runningByOrder }) {
    const errors: RowError[] = [];
    const customer = refs.get<Ref>('customer', row.customerExternalId!.trim());
    const contract = refs.get<Ref>('contract', row.contractExternalId!.trim());
    if (contract.customer?.id !== customer.id) {
      errors.push({ path: 'contractExternalId', code: 'INVALID', message: "The contract is not the order's customer's." });
    }
    const lines = row.lines ?? [];
    errors.push(...foreignLines(row, owners, existing?.id, 'order'));
    if (!existing) return errors;

    // What a running termination takes from each line must stay possible.
    const running = runningByOrder.get(existing.id) ?? [];
    if (running.length && row.status === 'TERMINATED') {
      errors.push({
        path: 'status',
        code: 'TERMINATION_IN_PROGRESS',
        message: 'A termination of this order is running; it cannot be cancelled now.',
      });
    }
    for (const taken of running) {
      const stored = existing.lines.find((l) => l.id === taken.salesOrderLineId);
      if (!stored) continue;
      const i = lines.findIndex((l) => l.externalId.trim() === stored.externalId);
      const sent = lines[i];
      const path = i < 0 ? 'lines' : `lines[${i}]`;
      if (!sent) {
        errors.push({
          path,
          code: 'TERMINATION_IN_PROGRESS',
          message: `Line ${stored.lineNo} is being terminated; it cannot be removed now.`,
        });
        continue;
      }
      const needed = (sent.shippedQuantity ?? stored.shippedQuantity) + stored.terminatedQuantity + taken.quantity;
      if (sent.quantity! < needed) {
        errors.push({
          path: `${path}.quantity`,
          code: 'TERMINATION_IN_PROGRESS',
          message: `Line ${stored.lineNo}: ${taken.quantity} are being terminated; the quantity cannot go below ${needed} now.`,
        });
      }
      if (refs.get<Ref>('product', sent.productExternalId!.trim()).id !== stored.product.id) {
        errors.push({
          path: `${path}.productExternalId`,
          code: 'TERMINATION_IN_PROGRESS',
          message: `Line ${stored.lineNo} is being terminated; its product cannot change now.`,
        });
      }
    }
    // A line number stays with its line (lines are never deleted, so a number is never free again).
    lines.forEach((sent, i) => {
      const holder = existing.lines.find((l) => l.lineNo === sent.lineNo);
      if (holder && holder.externalId !== sent.externalId.trim()) {
        errors.push({
          path: `lines[${i}].lineNo`,
          code: 'CONFLICT',
          message: `Line number ${sent.lineNo} belongs to another line of the order.`,
        });
      }
    });
    // Quantities already shipped or terminated stay: a line cannot go below them.
    lines.forEach((sent, i) => {
      const stored = existing.lines.find((l) => l.externalId === sent.externalId.trim());
      if (!stored) return;
      const floor = (sent.shippedQuantity ?? stored.shippedQuantity) + stored.terminatedQuantity;
      if (sent.quantity! < floor && !errors.some((e) => e.path === `lines[${i}].quantity`)) {
        errors.push({
          path: `lines[${i}].quantity`,
          code: 'INVALID',
          message: `Line ${stored.lineNo}: below what is shipped and terminated (${floor}).`,
        });
      }
    });
    return errors;
  },

  load: ({ em, source }, externalIds) =>
    loadStored<StoredOrder>(
      em,
      'sales_order',
      source,
      externalIds,
      `, t.status, t.status_before_termination as "statusBeforeTermination", json_build_object('id', t.customer_id) as customer,
         (select coalesce(json_agg(json_build_object('id', l.id, 'externalId', l.external_id, 'lineNo', l.line_no,
                  'product', json_build_object('id', l.product_id), 'order', json_build_object('id', l.order_id),
                  'quantity', l.quantity, 'shippedQuantity', l.shipped_quantity, 'terminatedQuantity', l.terminated_quantity,
                  'unitPrice', l.unit_price::text) order by l.line_no), '[]'::json)
            from sales_order_line l where l.order_id = t.id) as lines`,
    ),

  async write({ em, source }, rows, versionOnly) {
    const written = new Map<string, StoredRow>();
    const children: { kind: RefKind; externalId: string; row: StoredRow }[] = [];
    const orders: Record<string, unknown>[] = [];
    const lines: Record<string, unknown>[] = [];
    const closed: Record<string, unknown>[] = [];
    for (const { row, existing, refs, externalId, contentHash, sourceVersion } of rows) {
      const customer = refs.get<Ref>('customer', row.customerExternalId!.trim()).id;
      const next = nextOrder(row, existing, (id) => refs.get<Ref>('product', id).id);
      orders.push({
        id: next.id,
        source,
        external_id: externalId,
        source_version: sourceVersion,
        content_hash: contentHash,
        number: row.number!.trim(),
        customer_id: customer,
        contract_id: refs.get<Ref>('contract', row.contractExternalId!.trim()).id,
        status: next.status,
        status_before_termination: next.statusBeforeTermination,
        stage: row.stage,
        currency: row.currency,
        total_amount: next.total,
        order_date: row.orderDate,
        requested_delivery_date: row.requestedDeliveryDate ?? null,
      });
      for (const l of next.lines) {
        lines.push({
          id: l.id,
          source,
          external_id: l.externalId,
          order_id: next.id,
          line_no: l.lineNo,
          product_id: l.product.id,
          quantity: l.quantity,
          unit_price: l.unitPrice,
          shipped_quantity: l.shippedQuantity,
        });
        children.push({ kind: 'salesOrderLine', externalId: l.externalId, row: l });
      }
      for (const l of next.closed) closed.push({ id: l.id, quantity: l.quantity });
      const order: StoredOrder = {
        id: next.id,
        externalId,
        sourceVersion,
        contentHash,
        status: next.status,
        statusBeforeTermination: next.statusBeforeTermination,
        customer: { id: customer },
        lines: next.all,
      };
      written.set(externalId, order);
    }
    await upsertRows(em, 'sales_order', ORDER_COLUMNS, orders, updatable(ORDER_COLUMNS, []), { bumpVersion: true });
    await upsertRows(em, 'sales_order_line', LINE_COLUMNS, lines, updatable(LINE_COLUMNS, ['order_id']));
    await updateRows(em, 'sales_order_line', [['quantity', 'int']], closed, 'quantity = x.quantity');
    await writeVersions(em, 'sales_order', versionOnly);
    return { rows: written, children };
  },
};
