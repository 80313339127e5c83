import type { OrderStatus, PurchaseOrderStatus } from '@ot/shared';
import type { Random } from './random.js';

/*
 * The rules the demo business's orders are made by. The demo seed and the volume seed both draw
 * from here, so the benchmark volume describes the same business as the demo.
 */

export const OPEN_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'IN_PRODUCTION', 'PARTIALLY_SHIPPED'];
/** PO statuses at which the supplier is committed: the order has left BEFORE_PURCHASING. */
export const COMMITTED_PO: readonly PurchaseOrderStatus[] = ['SENT', 'CONFIRMED', 'PARTIALLY_RECEIVED', 'RECEIVED'];
export const CARRIERS = ['顺丰速运', '德邦物流', '中通快运'];
export const PENALTY_RATES: [string, number][] = [
  ['0', 3],
  ['0.0500', 4],
  ['0.1000', 2],
];

/** Expensive items sell by the few, cheap ones by the box: quantities stay within 1–200. */
export function quantityFor(rng: Random, listCents: number): number {
  if (listCents >= 1_000_000) return rng.int(1, 12);
  if (listCents >= 200_000) return rng.int(2, 40);
  if (listCents >= 30_000) return rng.int(5, 80);
  return Math.min(200, Math.ceil(rng.int(20, 200) / 10) * 10);
}

/** Which purchase orders can serve an order in this status (shared POs only mix one phase). */
export type Phase = 'early' | 'production' | 'shipping' | 'done';

export function phaseOf(status: OrderStatus): Phase {
  if (status === 'IN_PRODUCTION') return 'production';
  if (status === 'PARTIALLY_SHIPPED') return 'shipping';
  if (status === 'SHIPPED' || status === 'COMPLETED') return 'done';
  return 'early';
}

/** How far a purchase order for an order of this phase has come. */
export function poStatusFor(rng: Random, phase: Phase): PurchaseOrderStatus {
  switch (phase) {
    case 'early':
      return rng.weighted<PurchaseOrderStatus>([
        ['DRAFT', 18],
        ['SENT', 30],
        ['CONFIRMED', 40],
        ['PARTIALLY_RECEIVED', 12],
      ]);
    case 'production':
      return rng.weighted<PurchaseOrderStatus>([
        ['CONFIRMED', 35],
        ['PARTIALLY_RECEIVED', 35],
        ['RECEIVED', 30],
      ]);
    case 'shipping':
      return rng.weighted<PurchaseOrderStatus>([
        ['PARTIALLY_RECEIVED', 35],
        ['RECEIVED', 65],
      ]);
    case 'done':
      return 'RECEIVED';
  }
}
