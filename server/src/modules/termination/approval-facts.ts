import type { Facts } from '../approval/rule-condition.js';
import { ShipmentStatus } from '../order/shipment.entity.js';
import { PurchaseOrderAction, type TerminationImpact } from './impact.types.js';

/** What the approval facts are read from: an impact being computed, or one kept with a termination. */
export type ApprovalFactSource = Pick<
  TerminationImpact,
  | 'purchaseOrders'
  | 'reservations'
  | 'shipments'
  | 'amountInvoiced'
  | 'amountPaid'
  | 'cancellationFee'
  | 'refundDue'
  | 'orderValue'
  | 'terminatedValue'
  | 'reasonCode'
  | 'customerConfirmationRequired'
>;

/**
 * The facts approval rules are evaluated over, in the order's currency. One function for the
 * impact calculation and for previews of a rule over recorded terminations, so a preview routes
 * exactly as submitting would have.
 */
export function approvalFacts(impact: ApprovalFactSource, reasonCategory: string): Facts {
  return {
    purchaseOrdersAffected: impact.purchaseOrders.filter((p) => p.action !== PurchaseOrderAction.NONE).length,
    reservationsReleased: impact.reservations.length,
    shipmentsAffected: impact.shipments.filter((s) => s.status === ShipmentStatus.IN_TRANSIT).length,
    amountInvoiced: Number(impact.amountInvoiced),
    amountPaid: Number(impact.amountPaid),
    cancellationFee: Number(impact.cancellationFee),
    refundDue: Number(impact.refundDue),
    orderValue: Number(impact.orderValue),
    terminatedValue: Number(impact.terminatedValue),
    reasonCode: impact.reasonCode,
    reasonCategory,
    customerConfirmationRequired: impact.customerConfirmationRequired,
  };
}
