export const ORDER_STATUSES = [
  'DRAFT',
  'CONFIRMED',
  'IN_PRODUCTION',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'COMPLETED',
  'TERMINATION_PENDING',
  'PARTIALLY_TERMINATED',
  'TERMINATED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The stage an order is in decides which line of the contract's fee schedule applies. */
export const ORDER_STAGES = ['BEFORE_PURCHASING', 'PURCHASING_CONFIRMED', 'IN_PRODUCTION', 'SHIPPING'] as const;
export type OrderStage = (typeof ORDER_STAGES)[number];

export const PO_STATUSES = ['DRAFT', 'SENT', 'CONFIRMED', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'] as const;
export type PurchaseOrderStatus = (typeof PO_STATUSES)[number];

export const PREFERRED_RESOLUTIONS = ['REFUND', 'REPLACEMENT', 'RESCHEDULE', 'CREDIT_NOTE'] as const;
export type PreferredResolution = (typeof PREFERRED_RESOLUTIONS)[number];

/** The outcome sales records with the customer: a resolution, or nothing further. */
export const FOLLOW_UP_OUTCOMES = [...PREFERRED_RESOLUTIONS, 'NONE'] as const;
export type FollowUpOutcomeValue = (typeof FOLLOW_UP_OUTCOMES)[number];

/**
 * The outcomes that fit the money of a termination (issue #16: options started with 退款 when
 * nothing was refunded): a refund only when one is due, listed first then; with a fee owed or
 * nothing either way, "nothing further" comes first and refund is not offered. Server and SPA
 * both use this, so what is offered is what is accepted.
 */
export function outcomesFor(settlement: 'REFUND' | 'FEE' | 'NONE' | null | undefined): readonly FollowUpOutcomeValue[] {
  return settlement === 'REFUND'
    ? ['REFUND', 'CREDIT_NOTE', 'REPLACEMENT', 'RESCHEDULE', 'NONE']
    : ['NONE', 'REPLACEMENT', 'RESCHEDULE', 'CREDIT_NOTE'];
}
