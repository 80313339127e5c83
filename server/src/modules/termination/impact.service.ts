import type { EntityManager } from '@mikro-orm/postgresql';
import { ACTIVE_STATUSES } from '@ot/shared';
import type { ApprovalPolicyService } from '../approval/approval-policy.service.js';
import type { ExchangeRateService } from '../currency/exchange-rate.service.js';
import { Invoice } from '../finance/invoice.entity.js';
import { Payment } from '../finance/payment.entity.js';
import { Reservation, ReservationStatus } from '../inventory/reservation.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import { Shipment } from '../order/shipment.entity.js';
import { PurchaseOrderLine } from '../purchasing/purchase-order-line.entity.js';
import { computeImpact, type ImpactFacts, type ImpactInput } from './impact-calculation.js';
import type { TerminationImpact } from './impact.types.js';
import type { TerminationReason } from './termination-reason.entity.js';
import { Termination } from './termination.entity.js';

export interface ImpactRequest extends ImpactInput {
  order: SalesOrder;
  reason: TerminationReason;
  /** When recomputing for an existing termination, it does not block itself. */
  excludeTerminationId?: string;
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
    const now = new Date();
    return computeImpact(await this.loadFacts(em, request, now), request, now);
  }

  /** Everything the impact is computed from; one query after another (in a transaction they share one connection). */
  private async loadFacts(em: EntityManager, request: ImpactRequest, now: Date): Promise<ImpactFacts> {
    const { order } = request;
    await em.populate(order, ['contract', 'customer']);
    const orderLines = await em.find(SalesOrderLine, { order }, { populate: ['product'], orderBy: { lineNo: 'asc' } });
    const running = await em.findOne(Termination, {
      order,
      status: { $in: [...ACTIVE_STATUSES] },
      ...(request.excludeTerminationId ? { id: { $ne: request.excludeTerminationId } } : {}),
    });
    const lineIds = orderLines.map((l) => l.id);
    const buying = await em.find(PurchaseOrderLine, { salesOrderLine: { $in: lineIds } });
    const poIds = [...new Set(buying.map((l) => l.purchaseOrder.id))];
    const poLines = poIds.length
      ? await em.find(
          PurchaseOrderLine,
          { purchaseOrder: { $in: poIds } },
          // The supplier joins in (its name is on the impact): no statement more.
          { populate: ['purchaseOrder.supplier', 'product', 'salesOrderLine.order.customer'], orderBy: { id: 'asc' } },
        )
      : [];
    const reservations = await em.find(
      Reservation,
      { salesOrderLine: { $in: lineIds }, status: ReservationStatus.ACTIVE },
      { populate: ['warehouse', 'product'], orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    const shipments = await em.find(
      Shipment,
      { line: { $in: lineIds } },
      { populate: ['line.product'], orderBy: { shippedAt: 'asc', id: 'asc' } },
    );
    const invoices = await em.find(Invoice, { order });
    const payments = await em.find(Payment, { order });
    const purchaseOrders = [...new Map(poLines.map((l) => [l.purchaseOrder.id, l.purchaseOrder])).values()].map((po) => ({
      id: po.id,
      number: po.number,
      supplierName: po.supplier.name,
      status: po.status,
      currency: po.currency,
      cancellationPenaltyRate: po.cancellationPenaltyRate,
    }));
    return {
      order,
      contract: order.contract,
      lines: orderLines.map((l) => ({
        id: l.id,
        lineNo: l.lineNo,
        sku: l.product.sku,
        productName: l.product.name,
        quantity: l.quantity,
        openQuantity: l.openQuantity,
        terminatedQuantity: l.terminatedQuantity,
        unitPrice: l.unitPrice,
      })),
      runningTermination: running?.number ?? null,
      purchaseOrders,
      purchaseOrderLines: poLines.map((l) => ({
        id: l.id,
        purchaseOrderId: l.purchaseOrder.id,
        salesOrderLineId: l.salesOrderLine.id,
        salesOrder: {
          id: l.salesOrderLine.order.id,
          number: l.salesOrderLine.order.number,
          customerName: l.salesOrderLine.order.customer.name,
        },
        sku: l.product.sku,
        quantity: l.quantity,
        receivedQuantity: l.receivedQuantity,
        cancelledQuantity: l.cancelledQuantity,
        unitCost: l.unitCost,
      })),
      reservations: reservations.map((r) => ({
        id: r.id,
        salesOrderLineId: r.salesOrderLine.id,
        sku: r.product.sku,
        warehouseCode: r.warehouse.code,
        warehouseName: r.warehouse.name,
        quantity: r.quantity,
      })),
      shipments: shipments.map((s) => ({
        salesOrderLineId: s.line.id,
        number: s.number,
        sku: s.line.product.sku,
        quantity: s.quantity,
        status: s.status,
        carrier: s.carrier,
      })),
      invoiceAmounts: invoices.map((i) => i.amount),
      paymentAmounts: payments.map((p) => p.amount),
      baseCurrency: this.rates.baseCurrency,
      exchangeRate: await this.rates.rateOn(em, order.currency, now),
      approvalRules: await this.policy.activeRules(em),
    };
  }
}
