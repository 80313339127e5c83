import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderStage } from '@ot/shared';
import { ACTIVE_STATUSES } from '@ot/shared';
import { Decimal, money, sumMoney } from '../../common/money.js';
import type { ApprovalPolicyService } from '../approval/approval-policy.service.js';
import { inBaseCurrency, type Facts } from '../approval/rule-condition.js';
import { toBase } from '../currency/currency.js';
import type { ExchangeRateService } from '../currency/exchange-rate.service.js';
import { Invoice } from '../finance/invoice.entity.js';
import { Payment } from '../finance/payment.entity.js';
import { Reservation, ReservationStatus } from '../inventory/reservation.entity.js';
import type { Contract } from '../order/contract.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import { Shipment, ShipmentStatus } from '../order/shipment.entity.js';
import { PurchaseOrderLine } from '../purchasing/purchase-order-line.entity.js';
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
import { TerminationFault, type TerminationReason } from './termination-reason.entity.js';
import { Termination } from './termination.entity.js';

export interface ImpactRequest {
  order: SalesOrder;
  reason: TerminationReason;
  /** Omitted: the whole open quantity of every line. */
  lines?: { lineId: string; quantity: number }[] | null;
  /** The clerk's choice; the contract can still make confirmation mandatory. */
  customerConfirmationRequested?: boolean | null;
  /** When recomputing for an existing termination, it does not block itself. */
  excludeTerminationId?: string;
  /** Who causes it; default: the reason's fault (a termination keeps the one it was submitted with). */
  fault?: TerminationFault;
  /** The fee finance set for this termination (see FeeAdjustment); never above what the contract allows. */
  feeAdjustment?: { amount: string; reason: string } | null;
}

/**
 * The fee actually charged. The contract's fee clause applies only 因买方原因 (when the buyer
 * causes the termination): for anything else the ceiling is zero. Finance may lower it (or
 * waive it) but never raise it above that ceiling. The one place this rule lives.
 */
export function chargedFee(
  contractFee: string,
  fault: TerminationFault,
  adjustment: { amount: string } | null | undefined,
): { fee: string; ceiling: string; capped: boolean } {
  const ceiling = fault === TerminationFault.BUYER ? money(contractFee) : '0.00';
  if (!adjustment) return { fee: ceiling, ceiling, capped: false };
  const capped = new Decimal(adjustment.amount).gt(ceiling);
  return { fee: capped ? ceiling : money(adjustment.amount), ceiling, capped };
}

/** Refund and outstanding fee for a fee charged: one rule for the impact and for adjustments. */
export function moneyOwed(amountPaid: string, retainedValue: Decimal | string, fee: string): { refundDue: string; feeOutstanding: string } {
  const paidBeyondKept = Decimal.max(0, new Decimal(amountPaid).minus(retainedValue));
  return {
    refundDue: money(Decimal.max(0, paidBeyondKept.minus(fee))),
    feeOutstanding: money(Decimal.max(0, new Decimal(fee).minus(paidBeyondKept))),
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const issue = (code: string, message: string, subject?: string): ImpactIssue => ({ code, message, subject: subject ?? null });

export function feeRateAt(contract: Contract, stage: OrderStage): string {
  return contract.feeSchedule.find((entry) => entry.stage === stage)?.rate ?? '0';
}

/**
 * Computes what terminating (part of) an order would do, from live data. Pure reading:
 * the preview, the submission and the effect all call it, so they can never disagree.
 */
export class ImpactService {
  constructor(
    private readonly policy: ApprovalPolicyService,
    private readonly rates: ExchangeRateService,
  ) {}

  async compute(em: EntityManager, request: ImpactRequest): Promise<TerminationImpact> {
    const { order, reason } = request;
    await em.populate(order, ['contract', 'customer']);
    const orderLines = await em.find(SalesOrderLine, { order }, { populate: ['product'], orderBy: { lineNo: 'asc' } });
    const blockers: ImpactIssue[] = [];
    const warnings: ImpactIssue[] = [];

    const selected = this.selectLines(orderLines, request.lines, blockers);
    // No lines named means the whole order, even when nothing is left to terminate (a blocker says so).
    const scope = !request.lines || this.isWholeOrder(orderLines, selected) ? 'FULL' : 'PARTIAL';

    if (order.status === 'TERMINATED') blockers.push(issue('ORDER_TERMINATED', 'The order is already terminated.'));
    else if (orderLines.every((l) => l.openQuantity === 0)) {
      blockers.push(issue('ORDER_FULLY_SHIPPED', 'Every line is already shipped or terminated; nothing is left to terminate.'));
    }
    if (!reason.active) blockers.push(issue('REASON_INACTIVE', `The reason ${reason.code} is no longer in use.`));
    const active = await em.findOne(Termination, {
      order,
      status: { $in: [...ACTIVE_STATUSES] },
      ...(request.excludeTerminationId ? { id: { $ne: request.excludeTerminationId } } : {}),
    });
    if (active)
      blockers.push(issue('TERMINATION_ACTIVE', `Termination ${active.number} is already running for this order.`, active.number));

    const lineIds = selected.map((s) => s.line.id);
    const quantityByLine = new Map(selected.map((s) => [s.line.id, s.quantity]));
    // One after another: inside a transaction they share one connection.
    const poLines = lineIds.length
      ? await em.find(PurchaseOrderLine, { salesOrderLine: { $in: lineIds } }, { populate: ['purchaseOrder', 'product'] })
      : [];
    const reservations = lineIds.length
      ? await em.find(
          Reservation,
          { salesOrderLine: { $in: lineIds }, status: ReservationStatus.ACTIVE },
          { populate: ['warehouse', 'product'], orderBy: { createdAt: 'asc', id: 'asc' } },
        )
      : [];
    const shipments = lineIds.length
      ? await em.find(Shipment, { line: { $in: lineIds } }, { populate: ['line.product'], orderBy: { shippedAt: 'asc', id: 'asc' } })
      : [];
    const invoices = await em.find(Invoice, { order });
    const payments = await em.find(Payment, { order });

    const purchaseOrders = await this.purchaseOrderImpact(em, order, poLines, quantityByLine, warnings);
    const reservationImpact = this.reservationImpact(reservations, quantityByLine);
    const shipmentImpact = shipments.map<ImpactShipment>((s) => ({
      number: s.number,
      sku: s.line.product.sku,
      quantity: s.quantity,
      status: s.status,
      carrier: s.carrier,
    }));
    for (const s of shipments.filter((x) => x.status === ShipmentStatus.IN_TRANSIT)) {
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
      sku: line.product.sku,
      productName: line.product.name,
      orderedQuantity: line.quantity,
      openQuantity: line.openQuantity,
      quantity,
      unitPrice: line.unitPrice,
      amount: money(new Decimal(line.unitPrice).times(quantity)),
    }));

    const contract = order.contract;
    const orderValue = order.totalAmount;
    const terminatedValue = sumMoney(impactLines.map((l) => l.amount));
    const alreadyTerminated = sumMoney(orderLines.map((l) => new Decimal(l.unitPrice).times(l.terminatedQuantity)));
    const retainedValue = new Decimal(orderValue).minus(alreadyTerminated).minus(terminatedValue);
    const amountInvoiced = sumMoney(invoices.map((i) => i.amount));
    const amountPaid = sumMoney(payments.map((p) => p.amount));
    const feeRate = feeRateAt(contract, order.stage);
    const contractFee = money(new Decimal(terminatedValue).times(feeRate));
    const fault = request.fault ?? reason.fault;
    const charged = chargedFee(contractFee, fault, request.feeAdjustment);
    const cancellationFee = charged.fee;
    const { refundDue, feeOutstanding } = moneyOwed(amountPaid, retainedValue, cancellationFee);
    this.feeNotes(order.currency, contractFee, fault, charged, request.feeAdjustment, warnings);
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
    this.noticeWarning(order, contract, warnings);

    const customerConfirmationByContract = contract.customerConfirmationRequired;
    const customerConfirmationRequired =
      customerConfirmationByContract || (request.customerConfirmationRequested ?? reason.customerConfirmationDefault);

    const facts: Facts = {
      purchaseOrdersAffected: purchaseOrders.filter((p) => p.action !== PurchaseOrderAction.NONE).length,
      reservationsReleased: reservationImpact.length,
      shipmentsAffected: shipments.filter((s) => s.status === ShipmentStatus.IN_TRANSIT).length,
      amountInvoiced: Number(amountInvoiced),
      amountPaid: Number(amountPaid),
      cancellationFee: Number(cancellationFee),
      refundDue: Number(refundDue),
      orderValue: Number(orderValue),
      terminatedValue: Number(terminatedValue),
      reasonCode: reason.code,
      reasonCategory: reason.category,
      customerConfirmationRequired,
    };
    // Thresholds are in the base currency: the order's amounts convert at today's rate.
    const baseCurrency = this.rates.baseCurrency;
    const exchangeRate = await this.rates.rateOn(em, order.currency, new Date());
    if (exchangeRate === null) {
      warnings.push(
        issue(
          'EXCHANGE_RATE_MISSING',
          `No exchange rate from ${order.currency} into ${baseCurrency} is on record; the amounts cannot be compared with the approval thresholds, so every approval a threshold could require (management included) is required.`,
          order.currency,
        ),
      );
    }
    const converted = inBaseCurrency(facts, exchangeRate);
    const approvalRoute = await this.policy.route(em, converted.facts, converted.unknown);
    const notify = new Set<string>(['SALES', ...approvalRoute.map((s) => s.department)]);
    if (facts.purchaseOrdersAffected) notify.add('PURCHASING');
    if (facts.reservationsReleased || facts.shipmentsAffected) notify.add('WAREHOUSE');
    if (facts.amountInvoiced || facts.amountPaid || facts.cancellationFee) notify.add('FINANCE');
    if (customerConfirmationRequired) notify.add('CUSTOMER_SERVICE');

    return {
      orderNumber: order.number,
      reasonCode: reason.code,
      scope,
      lines: impactLines,
      purchaseOrders,
      reservations: reservationImpact,
      shipments: shipmentImpact,
      sharedPurchaseOrderOrders: await this.sharedOrders(em, order, purchaseOrders),
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
      feeAdjusted: Boolean(request.feeAdjustment),
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
      computedAt: new Date(),
    };
  }

  private selectLines(
    orderLines: SalesOrderLine[],
    requested: ImpactRequest['lines'],
    blockers: ImpactIssue[],
  ): { line: SalesOrderLine; quantity: number }[] {
    if (!requested) {
      return orderLines.filter((l) => l.openQuantity > 0).map((line) => ({ line, quantity: line.openQuantity }));
    }
    if (requested.length === 0) blockers.push(issue('NO_LINES', 'Choose at least one line to terminate.'));
    const byId = new Map(orderLines.map((l) => [l.id, l]));
    const seen = new Set<string>();
    const selected: { line: SalesOrderLine; quantity: number }[] = [];
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

  private isWholeOrder(orderLines: SalesOrderLine[], selected: { line: SalesOrderLine; quantity: number }[]): boolean {
    const open = orderLines.filter((l) => l.openQuantity > 0);
    return open.length > 0 && open.every((l) => selected.some((s) => s.line.id === l.id && s.quantity === l.openQuantity));
  }

  private async purchaseOrderImpact(
    em: EntityManager,
    order: SalesOrder,
    ourPoLines: PurchaseOrderLine[],
    quantityByLine: Map<string, number>,
    warnings: ImpactIssue[],
  ): Promise<ImpactPurchaseOrder[]> {
    const poIds = [...new Set(ourPoLines.map((l) => l.purchaseOrder.id))];
    if (!poIds.length) return [];
    const allLines = await em.find(PurchaseOrderLine, { purchaseOrder: { $in: poIds } }, { populate: ['salesOrderLine'] });
    const result: ImpactPurchaseOrder[] = [];
    for (const poId of poIds) {
      const po = ourPoLines.find((l) => l.purchaseOrder.id === poId)!.purchaseOrder;
      const lines = allLines.filter((l) => l.purchaseOrder.id === poId);
      // Shared only with orders still buying on it: a line another termination already cancelled
      // no longer keeps the PO alive, so the last order on it cancels it (what the effect will do).
      const shared = lines.some((l) => l.salesOrderLine.order.id !== order.id && l.quantity - l.cancelledQuantity > 0);
      const ours = ourPoLines.filter((l) => l.purchaseOrder.id === poId);
      const closed = po.status === 'CANCELLED' || po.status === 'RECEIVED';
      const impactLines = ours.map((l) => ({
        purchaseOrderLineId: l.id,
        sku: l.product.sku,
        quantity: l.quantity,
        openQuantity: l.openQuantity,
        cancelQuantity: closed ? 0 : Math.min(l.openQuantity, quantityByLine.get(l.salesOrderLine.id) ?? 0),
      }));
      const cancelled = impactLines.reduce((n, l) => n + l.cancelQuantity, 0);
      const received = lines.reduce((n, l) => n + l.receivedQuantity, 0);
      const leftOpen = lines.reduce((n, l) => n + l.openQuantity, 0) - cancelled;
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
        ours.reduce(
          (sum, l) => sum.plus(new Decimal(l.unitCost).times(impactLines.find((x) => x.purchaseOrderLineId === l.id)!.cancelQuantity)),
          new Decimal(0),
        ),
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
    return result.sort((a, b) => a.number.localeCompare(b.number));
  }

  private reservationImpact(reservations: Reservation[], quantityByLine: Map<string, number>): ImpactReservation[] {
    const remaining = new Map(quantityByLine);
    const result: ImpactReservation[] = [];
    for (const r of reservations) {
      const left = remaining.get(r.salesOrderLine.id) ?? 0;
      const release = Math.min(left, r.quantity);
      if (release <= 0) continue;
      remaining.set(r.salesOrderLine.id, left - release);
      result.push({
        reservationId: r.id,
        sku: r.product.sku,
        warehouseCode: r.warehouse.code,
        warehouseName: r.warehouse.name,
        quantity: release,
      });
    }
    return result;
  }

  private async sharedOrders(em: EntityManager, order: SalesOrder, pos: ImpactPurchaseOrder[]): Promise<SharedPurchaseOrderOrder[]> {
    const shared = pos.filter((p) => p.shared);
    if (!shared.length) return [];
    const rows = await em.getConnection().execute<{ po: string; number: string; customer: string }[]>(
      `select distinct po.number as po, o.number, c.name as customer
         from purchase_order_line pol
         join purchase_order po on po.id = pol.purchase_order_id
         join sales_order_line l on l.id = pol.sales_order_line_id
         join sales_order o on o.id = l.order_id
         join customer c on c.id = o.customer_id
        where po.id in (${shared.map(() => '?').join(',')}) and o.id <> ? and pol.quantity > pol.cancelled_quantity
        order by po.number, o.number`,
      [...shared.map((p) => p.purchaseOrderId), order.id],
      'all',
      em.getTransactionContext(),
    );
    return rows.map((r) => ({ purchaseOrderNumber: r.po, orderNumber: r.number, customerName: r.customer }));
  }

  /** Says why the fee charged differs from the contract's rate (clients translate by code). */
  private feeNotes(
    currency: string,
    contractFee: string,
    fault: TerminationFault,
    charged: ReturnType<typeof chargedFee>,
    adjustment: ImpactRequest['feeAdjustment'],
    warnings: ImpactIssue[],
  ): void {
    if (fault !== TerminationFault.BUYER && new Decimal(contractFee).gt(0)) {
      const who = fault === TerminationFault.SELLER ? 'seller-caused' : 'caused by neither party';
      warnings.push(
        issue(
          'FEE_NOT_CHARGED',
          `Fee not charged: the termination is ${who}; the contract's fee (${contractFee} ${currency}) applies only when the buyer causes the termination.`,
          fault,
        ),
      );
    }
    if (adjustment) {
      warnings.push(
        issue(
          'FEE_ADJUSTED',
          new Decimal(charged.fee).isZero()
            ? `Finance waived the cancellation fee: ${adjustment.reason}`
            : `Finance set the cancellation fee to ${charged.fee} ${currency}: ${adjustment.reason}`,
        ),
      );
    }
    if (charged.capped) {
      warnings.push(
        issue(
          'FEE_ADJUSTMENT_CAPPED',
          `The adjusted fee is above what the contract now allows (${charged.ceiling} ${currency}); ${charged.ceiling} is charged.`,
        ),
      );
    }
  }

  private noticeWarning(order: SalesOrder, contract: Contract, warnings: ImpactIssue[]): void {
    if (!order.requestedDeliveryDate) return;
    const daysLeft = (new Date(order.requestedDeliveryDate).getTime() - Date.now()) / 86_400_000;
    if (daysLeft >= 0 && daysLeft < contract.noticeDays) {
      warnings.push(
        issue(
          'WITHIN_NOTICE_PERIOD',
          `Delivery is due in ${Math.ceil(daysLeft)} days, inside the contract's ${contract.noticeDays}-day notice period.`,
        ),
      );
    }
  }
}
