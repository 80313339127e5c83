import { openQuantity } from '../purchasing/open-quantity.js';
import type { OrderStage } from '@ot/shared';
import { Decimal, money, sumMoney } from '../../common/money.js';
import { planApprovalRoute, type RouteRule } from '../approval/approval-route.js';
import { inBaseCurrency } from '../approval/rule-condition.js';
import { toBase } from '../currency/currency.js';
import type { ContractClause, FeeScheduleEntry } from '../order/contract.entity.js';
import { ShipmentStatus } from '../order/shipment.entity.js';
import { approvalFacts } from './approval-facts.js';
import { chargedFee, feeRateAt, moneyOwed } from './cancellation-fee.js';
import {
  PurchaseOrderAction,
  type ImpactIssue,
  type ImpactLine,
  type ImpactPurchaseOrder,
  type ImpactReservation,
  type ImpactShipment,
  type SharedPurchaseOrderOrder,
  type TerminationImpact,
} from './impact.types.js';
import { TerminationFault } from './termination-reason.entity.js';

/*
 * What terminating (part of) an order would do, as a pure function of the facts read about it.
 * One reader (impact-facts.ts) reads the facts of one order (preview, submission, effect) or of
 * many (a bulk run's chunk, the volume seed); all compute the impact here, so they can never disagree.
 */

export interface OrderLineFacts {
  id: string;
  lineNo: number;
  sku: string;
  productName: string;
  quantity: number;
  /** Neither shipped nor terminated. */
  openQuantity: number;
  terminatedQuantity: number;
  unitPrice: string;
}

export interface PurchaseOrderFacts {
  id: string;
  number: string;
  supplierName: string;
  status: string;
  currency: string;
  cancellationPenaltyRate: string;
}

/** A line of a purchase order buying for the order; shared purchase orders also buy for other orders. */
export interface PurchaseOrderLineFacts {
  id: string;
  purchaseOrderId: string;
  salesOrderLineId: string;
  salesOrder: { id: string; number: string; customerName: string };
  sku: string;
  quantity: number;
  receivedQuantity: number;
  cancelledQuantity: number;
  unitCost: string;
}

/** An active reservation on a line of the order. */
export interface ReservationFacts {
  id: string;
  salesOrderLineId: string;
  sku: string;
  warehouseCode: string;
  warehouseName: string;
  quantity: number;
}

export interface ShipmentFacts {
  salesOrderLineId: string;
  number: string;
  sku: string;
  quantity: number;
  status: string;
  carrier: string;
}

export interface ImpactFacts {
  order: {
    id: string;
    number: string;
    status: string;
    stage: OrderStage;
    currency: string;
    totalAmount: string;
    requestedDeliveryDate?: string | null;
  };
  contract: {
    feeSchedule: readonly FeeScheduleEntry[];
    clauses: ContractClause[];
    noticeDays: number;
    customerConfirmationRequired: boolean;
  };
  /** Every line of the order, by line number. */
  lines: OrderLineFacts[];
  /** The number of another termination already running for the order. */
  runningTermination: string | null;
  /** Every purchase order buying for a line of the order, and all their lines. */
  purchaseOrders: PurchaseOrderFacts[];
  purchaseOrderLines: PurchaseOrderLineFacts[];
  /** Active reservations on the order's lines, oldest first. */
  reservations: ReservationFacts[];
  /** Shipments of the order's lines, in the order they left. */
  shipments: ShipmentFacts[];
  invoiceAmounts: string[];
  paymentAmounts: string[];
  /** The currency approval thresholds are in, and the order currency's rate into it (null: none on record). */
  baseCurrency: string;
  exchangeRate: string | null;
  /** The approval rules in force, in the order they are kept (see planApprovalRoute). */
  approvalRules: readonly RouteRule[];
}

export interface ImpactInput {
  reason: { code: string; category: string; active: boolean; fault: TerminationFault; customerConfirmationDefault: boolean };
  /** Omitted: the whole open quantity of every line. */
  lines?: { lineId: string; quantity: number }[] | null;
  /** The clerk's choice; the contract can still make confirmation mandatory. */
  customerConfirmationRequested?: boolean | null;
  /** Who causes it; default: the reason's fault (a termination keeps the one it was submitted with). */
  fault?: TerminationFault;
  /** The fee finance set for this termination (see FeeAdjustment); never above what the contract allows. */
  feeAdjustment?: { amount: string; reason: string } | null;
}

interface Selected {
  line: OrderLineFacts;
  quantity: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const issue = (code: string, message: string, subject?: string): ImpactIssue => ({ code, message, subject: subject ?? null });

/** The impact of terminating what `input` names, as of `now` (the notice period counts from it). */
export function computeImpact(facts: ImpactFacts, input: ImpactInput, now: Date): TerminationImpact {
  const { order, contract } = facts;
  const { reason } = input;
  const orderLines = facts.lines;
  const blockers: ImpactIssue[] = [];
  const warnings: ImpactIssue[] = [];

  const selected = selectLines(orderLines, input.lines, blockers);
  // No lines named means the whole order, even when nothing is left to terminate (a blocker says so).
  const scope = !input.lines || isWholeOrder(orderLines, selected) ? 'FULL' : 'PARTIAL';

  if (order.status === 'TERMINATED') blockers.push(issue('ORDER_TERMINATED', 'The order is already terminated.'));
  else if (orderLines.every((l) => l.openQuantity === 0)) {
    blockers.push(issue('ORDER_FULLY_SHIPPED', 'Every line is already shipped or terminated; nothing is left to terminate.'));
  }
  if (!reason.active) blockers.push(issue('REASON_INACTIVE', `The reason ${reason.code} is no longer in use.`));
  if (facts.runningTermination) {
    blockers.push(
      issue('TERMINATION_ACTIVE', `Termination ${facts.runningTermination} is already running for this order.`, facts.runningTermination),
    );
  }

  const quantityByLine = new Map(selected.map((s) => [s.line.id, s.quantity]));
  const purchaseOrders = purchaseOrderImpact(facts, quantityByLine, warnings);
  const reservations = reservationImpact(facts.reservations, quantityByLine);
  const shipments = facts.shipments.filter((s) => quantityByLine.has(s.salesOrderLineId));
  const shipmentImpact = shipments.map<ImpactShipment>((s) => ({
    number: s.number,
    sku: s.sku,
    quantity: s.quantity,
    status: s.status,
    carrier: s.carrier,
  }));
  const inTransit = shipments.filter((s) => s.status === ShipmentStatus.IN_TRANSIT);
  for (const s of inTransit) {
    warnings.push(
      issue(
        'SHIPMENT_IN_TRANSIT',
        `Shipment ${s.number} (${s.quantity}) is on its way and cannot be recalled by this termination.`,
        s.number,
      ),
    );
  }

  const impactLines: ImpactLine[] = selected.map(({ line, quantity }) => ({
    lineId: line.id,
    lineNo: line.lineNo,
    sku: line.sku,
    productName: line.productName,
    orderedQuantity: line.quantity,
    openQuantity: line.openQuantity,
    quantity,
    unitPrice: line.unitPrice,
    amount: money(new Decimal(line.unitPrice).times(quantity)),
  }));

  const orderValue = order.totalAmount;
  const terminatedValue = sumMoney(impactLines.map((l) => l.amount));
  const alreadyTerminated = sumMoney(orderLines.map((l) => new Decimal(l.unitPrice).times(l.terminatedQuantity)));
  const retainedValue = new Decimal(orderValue).minus(alreadyTerminated).minus(terminatedValue);
  const amountInvoiced = sumMoney(facts.invoiceAmounts);
  const amountPaid = sumMoney(facts.paymentAmounts);
  const feeRate = feeRateAt(contract, order.stage);
  const contractFee = money(new Decimal(terminatedValue).times(feeRate));
  const fault = input.fault ?? reason.fault;
  const charged = chargedFee(contractFee, fault, input.feeAdjustment);
  const cancellationFee = charged.fee;
  const { refundDue, feeOutstanding } = moneyOwed(amountPaid, retainedValue, cancellationFee);
  warnings.push(...feeNotes(order.currency, contractFee, fault, charged, input.feeAdjustment));
  // A purchase order may be in another currency than the sales order: penalties add up per currency.
  const penaltyCurrencies = [...new Set(purchaseOrders.map((p) => p.currency ?? order.currency))].sort();
  const supplierPenaltiesByCurrency = penaltyCurrencies
    .map((currency) => ({
      currency,
      amount: sumMoney(purchaseOrders.filter((p) => (p.currency ?? order.currency) === currency).map((p) => p.penalty)),
    }))
    .filter((m) => new Decimal(m.amount).gt(0));
  const supplierPenalties = supplierPenaltiesByCurrency.find((m) => m.currency === order.currency)?.amount ?? '0.00';
  if (supplierPenaltiesByCurrency.length) {
    const amounts = supplierPenaltiesByCurrency.map((m) => `${m.amount} ${m.currency}`).join(' + ');
    warnings.push(issue('SUPPLIER_PENALTY', `Suppliers will charge ${amounts} in cancellation penalties.`));
  }
  const notice = noticeWarning(order.requestedDeliveryDate, contract.noticeDays, now);
  if (notice) warnings.push(notice);

  const customerConfirmationByContract = contract.customerConfirmationRequired;
  const customerConfirmationRequired =
    customerConfirmationByContract || (input.customerConfirmationRequested ?? reason.customerConfirmationDefault);

  const ruleFacts = approvalFacts(
    {
      purchaseOrders,
      reservations,
      shipments: shipmentImpact,
      amountInvoiced,
      amountPaid,
      cancellationFee,
      refundDue,
      orderValue,
      terminatedValue,
      reasonCode: reason.code,
      customerConfirmationRequired,
    },
    reason.category,
  );
  // Thresholds are in the base currency: the order's amounts convert at the day's rate.
  const { baseCurrency, exchangeRate } = facts;
  if (exchangeRate === null) {
    warnings.push(
      issue(
        'EXCHANGE_RATE_MISSING',
        `No exchange rate from ${order.currency} into ${baseCurrency} is on record; the amounts cannot be compared with the approval thresholds, so every approval a threshold could require (management included) is required.`,
        order.currency,
      ),
    );
  }
  const converted = inBaseCurrency(ruleFacts, exchangeRate);
  const approvalRoute = planApprovalRoute(facts.approvalRules, converted.facts, converted.unknown);
  const notify = new Set<string>(['SALES', ...approvalRoute.map((s) => s.department)]);
  if (ruleFacts.purchaseOrdersAffected) notify.add('PURCHASING');
  if (ruleFacts.reservationsReleased || ruleFacts.shipmentsAffected) notify.add('WAREHOUSE');
  if (ruleFacts.amountInvoiced || ruleFacts.amountPaid || ruleFacts.cancellationFee) notify.add('FINANCE');
  if (customerConfirmationRequired) notify.add('CUSTOMER_SERVICE');

  return {
    orderNumber: order.number,
    reasonCode: reason.code,
    scope,
    lines: impactLines,
    purchaseOrders,
    reservations,
    shipments: shipmentImpact,
    sharedPurchaseOrderOrders: sharedOrders(facts, purchaseOrders),
    currency: order.currency,
    baseCurrency,
    exchangeRate,
    orderValueInBase: exchangeRate === null ? null : money(toBase(orderValue, exchangeRate)),
    orderValue,
    terminatedValue,
    amountInvoiced,
    amountPaid,
    orderStage: order.stage,
    feeRate,
    fault,
    contractFee,
    cancellationFee,
    feeAdjusted: Boolean(input.feeAdjustment),
    refundDue,
    feeOutstanding,
    supplierPenalties,
    supplierPenaltiesByCurrency,
    contractClauses: contract.clauses,
    noticeDays: contract.noticeDays,
    departmentsToNotify: [...notify],
    approvalRoute,
    customerConfirmationRequired,
    customerConfirmationByContract,
    blockers,
    warnings,
    computedAt: now,
  };
}

function selectLines(orderLines: OrderLineFacts[], requested: ImpactInput['lines'], blockers: ImpactIssue[]): Selected[] {
  if (!requested) {
    return orderLines.filter((l) => l.openQuantity > 0).map((line) => ({ line, quantity: line.openQuantity }));
  }
  if (requested.length === 0) blockers.push(issue('NO_LINES', 'Choose at least one line to terminate.'));
  const byId = new Map(orderLines.map((l) => [l.id, l]));
  const seen = new Set<string>();
  const selected: Selected[] = [];
  for (const { lineId, quantity } of requested) {
    const line = UUID_RE.test(lineId) ? byId.get(lineId.toLowerCase()) : undefined;
    if (!line) {
      blockers.push(issue('LINE_NOT_IN_ORDER', `Line ${lineId.slice(0, 40)} is not a line of this order.`, lineId.slice(0, 40)));
      continue;
    }
    if (seen.has(line.id)) {
      blockers.push(issue('DUPLICATE_LINE', `Line ${line.lineNo} is listed more than once.`, String(line.lineNo)));
      continue;
    }
    seen.add(line.id);
    if (!Number.isInteger(quantity) || quantity < 1) {
      blockers.push(
        issue('QUANTITY_INVALID', `Line ${line.lineNo}: the quantity must be a whole number of at least 1.`, String(line.lineNo)),
      );
      continue;
    }
    if (quantity > line.openQuantity) {
      blockers.push(
        issue(
          'QUANTITY_ABOVE_OPEN',
          `Line ${line.lineNo}: ${quantity} is more than the open quantity ${line.openQuantity}.`,
          String(line.lineNo),
        ),
      );
      continue;
    }
    selected.push({ line, quantity });
  }
  return selected;
}

function isWholeOrder(orderLines: OrderLineFacts[], selected: Selected[]): boolean {
  const open = orderLines.filter((l) => l.openQuantity > 0);
  return open.length > 0 && open.every((l) => selected.some((s) => s.line.id === l.id && s.quantity === l.openQuantity));
}

/** One entry per purchase order buying for a selected line, by number. */
function purchaseOrderImpact(facts: ImpactFacts, quantityByLine: Map<string, number>, warnings: ImpactIssue[]): ImpactPurchaseOrder[] {
  const result: ImpactPurchaseOrder[] = [];
  const byNumber = [...facts.purchaseOrders].sort((a, b) => a.number.localeCompare(b.number));
  for (const po of byNumber) {
    const lines = facts.purchaseOrderLines.filter((l) => l.purchaseOrderId === po.id);
    const ours = lines.filter((l) => quantityByLine.has(l.salesOrderLineId));
    if (!ours.length) continue;
    // Shared only with orders still buying on it: a line another termination already cancelled
    // no longer keeps the PO alive, so the last order on it cancels it (what the effect will do).
    const shared = lines.some((l) => l.salesOrder.id !== facts.order.id && l.quantity - l.cancelledQuantity > 0);
    const closed = po.status === 'CANCELLED' || po.status === 'RECEIVED';
    const impactLines = ours.map((l) => ({
      purchaseOrderLineId: l.id,
      sku: l.sku,
      quantity: l.quantity,
      openQuantity: openQuantity(l),
      cancelQuantity: closed ? 0 : Math.min(openQuantity(l), quantityByLine.get(l.salesOrderLineId) ?? 0),
    }));
    const cancelled = impactLines.reduce((n, l) => n + l.cancelQuantity, 0);
    const received = lines.reduce((n, l) => n + l.receivedQuantity, 0);
    const leftOpen = lines.reduce((n, l) => n + openQuantity(l), 0) - cancelled;
    let action = PurchaseOrderAction.REDUCE;
    if (cancelled === 0) action = PurchaseOrderAction.NONE;
    else if (!shared && leftOpen === 0 && received === 0) action = PurchaseOrderAction.CANCEL;

    if (action === PurchaseOrderAction.NONE && ours.some((l) => l.receivedQuantity > 0)) {
      warnings.push(issue('PO_RECEIVED', `${po.number}: the goods were already received; they stay in stock.`, po.number));
    } else if (ours.some((l) => l.receivedQuantity > 0)) {
      warnings.push(issue('PO_PARTIALLY_RECEIVED', `${po.number}: partly received; only the open quantity can be cancelled.`, po.number));
    }
    if (shared && action !== PurchaseOrderAction.NONE) {
      warnings.push(issue('SHARED_PURCHASE_ORDER', `${po.number} also buys for other orders; it is reduced, not cancelled.`, po.number));
    }
    const amount = money(
      ours.reduce((sum, l, i) => sum.plus(new Decimal(l.unitCost).times(impactLines[i]!.cancelQuantity)), new Decimal(0)),
    );
    const penaltyApplies = po.status === 'CONFIRMED' || po.status === 'PARTIALLY_RECEIVED';
    result.push({
      purchaseOrderId: po.id,
      number: po.number,
      supplierName: po.supplierName,
      status: po.status,
      action,
      currency: po.currency,
      amount,
      penalty: penaltyApplies ? money(new Decimal(amount).times(po.cancellationPenaltyRate)) : '0.00',
      shared,
      lines: impactLines,
    });
  }
  return result;
}

/** Reservations released, oldest first, up to the terminated quantity of each line. */
function reservationImpact(reservations: ReservationFacts[], quantityByLine: Map<string, number>): ImpactReservation[] {
  const remaining = new Map(quantityByLine);
  const result: ImpactReservation[] = [];
  for (const r of reservations) {
    const left = remaining.get(r.salesOrderLineId) ?? 0;
    const release = Math.min(left, r.quantity);
    if (release <= 0) continue;
    remaining.set(r.salesOrderLineId, left - release);
    result.push({ reservationId: r.id, sku: r.sku, warehouseCode: r.warehouseCode, warehouseName: r.warehouseName, quantity: release });
  }
  return result;
}

/** The other orders a shared purchase order still buys for. */
function sharedOrders(facts: ImpactFacts, purchaseOrders: ImpactPurchaseOrder[]): SharedPurchaseOrderOrder[] {
  const shared = new Map(purchaseOrders.filter((p) => p.shared).map((p) => [p.purchaseOrderId, p.number]));
  const rows = new Map<string, SharedPurchaseOrderOrder>();
  for (const l of facts.purchaseOrderLines) {
    const poNumber = shared.get(l.purchaseOrderId);
    if (poNumber === undefined || l.salesOrder.id === facts.order.id || l.quantity <= l.cancelledQuantity) continue;
    const row = { purchaseOrderNumber: poNumber, orderNumber: l.salesOrder.number, customerName: l.salesOrder.customerName };
    rows.set(`${row.purchaseOrderNumber}|${row.orderNumber}|${row.customerName}`, row);
  }
  return [...rows.values()].sort(
    (a, b) => a.purchaseOrderNumber.localeCompare(b.purchaseOrderNumber) || a.orderNumber.localeCompare(b.orderNumber),
  );
}

/** Says why the fee charged differs from the contract's rate (clients translate by code). */
function feeNotes(
  currency: string,
  contractFee: string,
  fault: TerminationFault,
  charged: ReturnType<typeof chargedFee>,
  adjustment: ImpactInput['feeAdjustment'],
): ImpactIssue[] {
  const notes: ImpactIssue[] = [];
  if (fault !== TerminationFault.BUYER && new Decimal(contractFee).gt(0)) {
    const who = fault === TerminationFault.SELLER ? 'seller-caused' : 'caused by neither party';
    notes.push(
      issue(
        'FEE_NOT_CHARGED',
        `Fee not charged: the termination is ${who}; the contract's fee (${contractFee} ${currency}) applies only when the buyer causes the termination.`,
        fault,
      ),
    );
  }
  if (adjustment) {
    notes.push(
      issue(
        'FEE_ADJUSTED',
        new Decimal(charged.fee).isZero()
          ? `Finance waived the cancellation fee: ${adjustment.reason}`
          : `Finance set the cancellation fee to ${charged.fee} ${currency}: ${adjustment.reason}`,
      ),
    );
  }
  if (charged.capped) {
    notes.push(
      issue(
        'FEE_ADJUSTMENT_CAPPED',
        `The adjusted fee is above what the contract now allows (${charged.ceiling} ${currency}); ${charged.ceiling} is charged.`,
      ),
    );
  }
  return notes;
}

function noticeWarning(requestedDeliveryDate: string | null | undefined, noticeDays: number, now: Date): ImpactIssue | null {
  if (!requestedDeliveryDate) return null;
  const daysLeft = (new Date(requestedDeliveryDate).getTime() - now.getTime()) / 86_400_000;
  if (daysLeft < 0 || daysLeft >= noticeDays) return null;
  return issue(
    'WITHIN_NOTICE_PERIOD',
    `Delivery is due in ${Math.ceil(daysLeft)} days, inside the contract's ${noticeDays}-day notice period.`,
  );
}
