import { ORDER_STAGES, ORDER_STATUSES, type OrderStage, type OrderStatus, type TerminationStatus } from '@ot/shared';
import { Field, InputType, Int } from 'type-graphql';
import { Decimal, money } from '../../../common/money.js';
import { OrderStageEnum, type Contract } from '../../order/contract.entity.js';
import type { Customer } from '../../order/customer.entity.js';
import type { Product } from '../../order/product.entity.js';
import { SalesOrderLine } from '../../order/sales-order-line.entity.js';
import { OrderStatusEnum, SalesOrder } from '../../order/sales-order.entity.js';
import type { RefRequest, SyncKind } from '../sync-kind.js';
import { SyncRecordInput, SyncRecordKind } from '../sync-record.js';
import type { RowError } from '../sync-validation.js';
import { foreignLines, lineOwners } from '../line-owners.js';

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

export const salesOrderSync: SyncKind<
  SalesOrderSyncInput,
  SalesOrder,
  { lineOwners: Map<string, string>; running: Map<string, RunningLine[]> }
> = {
  kind: SyncRecordKind.SALES_ORDER,
  field: 'salesOrders',
  entity: SalesOrder,
  refKind: 'salesOrder',
  populate: ['lines'],
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
    const lineOwnerMap = await lineOwners(em, SalesOrderLine, 'order', source, rows);
    const orderIds = rows.flatMap(({ existing }) => (existing ? [existing.id] : []));
    const running = new Map<string, RunningLine[]>();
    if (orderIds.length) {
      const taken = await em.execute<(RunningLine & { orderId: string })[]>(
        `select t.order_id as "orderId", tl.sales_order_line_id as "salesOrderLineId", tl.quantity
           from termination_line tl join termination t on t.id = tl.termination_id
          where t.order_id in (${orderIds.map(() => '?').join(',')}) and t.status in (${RUNNING_TERMINATION.map(() => '?').join(',')})`,
        [...orderIds, ...RUNNING_TERMINATION],
      );
      for (const { orderId, ...line } of taken) running.set(orderId, [...(running.get(orderId) ?? []), line]);
    }
    return { lineOwners: lineOwnerMap, running };
  },

  guard(_scope, row, existing, refs, { lineOwners: owners, running: runningByOrder }) {
    const errors: RowError[] = [];
    const customer = refs.get<Customer>('customer', row.customerExternalId!.trim());
    const contract = refs.get<Contract>('contract', row.contractExternalId!.trim());
    if (contract.customer.id !== customer.id) {
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
      const stored = existing.lines.getItems().find((l) => l.id === taken.salesOrderLineId);
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
      if (refs.get<Product>('product', sent.productExternalId!.trim()).id !== stored.product.id) {
        errors.push({
          path: `${path}.productExternalId`,
          code: 'TERMINATION_IN_PROGRESS',
          message: `Line ${stored.lineNo} is being terminated; its product cannot change now.`,
        });
      }
    }
    // A line number stays with its line (lines are never deleted, so a number is never free again).
    lines.forEach((sent, i) => {
      const holder = existing.lines.getItems().find((l) => l.lineNo === sent.lineNo);
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
      const stored = existing.lines.getItems().find((l) => l.externalId === sent.externalId.trim());
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

  apply({ em, source }, row, existing, refs) {
    const order =
      existing ??
      em.create(SalesOrder, {
        number: row.number!.trim(),
        customer: refs.get<Customer>('customer', row.customerExternalId!.trim()),
        contract: refs.get<Contract>('contract', row.contractExternalId!.trim()),
        status: row.status!,
        stage: row.stage!,
        currency: row.currency!,
        totalAmount: '0',
        orderDate: row.orderDate!,
      });
    order.number = row.number!.trim();
    order.customer = refs.get<Customer>('customer', row.customerExternalId!.trim());
    order.contract = refs.get<Contract>('contract', row.contractExternalId!.trim());
    order.stage = row.stage!;
    order.currency = row.currency!;
    order.orderDate = row.orderDate!;
    order.requestedDeliveryDate = row.requestedDeliveryDate ?? null;
    // A running termination restores the status it found; outcomes of terminations are kept.
    if (order.status === 'TERMINATION_PENDING') order.statusBeforeTermination = row.status!;
    else if (!existing || !TERMINATION_OWNED.includes(order.status) || row.status === 'TERMINATED') order.status = row.status!;

    const children: { kind: 'salesOrderLine'; externalId: string; entity: SalesOrderLine }[] = [];
    const stored = existing ? existing.lines.getItems() : [];
    const sentIds = new Set<string>();
    for (const sent of row.lines ?? []) {
      const externalId = sent.externalId.trim();
      sentIds.add(externalId);
      const product = refs.get<Product>('product', sent.productExternalId!.trim());
      let line = stored.find((l) => l.externalId === externalId);
      if (!line) {
        line = em.create(SalesOrderLine, {
          order,
          lineNo: sent.lineNo!,
          product,
          quantity: sent.quantity!,
          unitPrice: sent.unitPrice!.trim(),
        });
        order.lines.add(line);
      }
      Object.assign(line, {
        lineNo: sent.lineNo!,
        product,
        quantity: sent.quantity!,
        unitPrice: sent.unitPrice!.trim(),
        source,
        externalId,
      });
      if (sent.shippedQuantity != null) line.shippedQuantity = sent.shippedQuantity;
      children.push({ kind: 'salesOrderLine', externalId, entity: line });
    }
    // No hard deletes: a line the ERP no longer sends keeps what happened to it and nothing more.
    for (const line of stored) {
      if (line.externalId && sentIds.has(line.externalId)) continue;
      line.quantity = line.shippedQuantity + line.terminatedQuantity;
    }
    order.totalAmount = money(
      order.lines.getItems().reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0)),
    );
    return { entity: order, children };
  },
};
