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
