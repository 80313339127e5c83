import { describe, expect, it } from 'vitest';
import { SettlementKind } from '../../settlement/settlement.entity.js';
import type { TerminationImpact } from '../impact.types.js';
import { orderStatusAfterTermination, planPurchaseOrderChanges, planReservationReleases, settlementKindFor } from './effect-plan.js';

type PlannedPo = TerminationImpact['purchaseOrders'][number];

/** A planned change to one PO: the fields the plan reads, the rest filled with anything. */
function planned(purchaseOrderId: string, lines: { purchaseOrderLineId: string; cancelQuantity: number }[]): PlannedPo {
  return {
    purchaseOrderId,
    number: '',
    supplierName: '',
    status: 'OPEN',
    action: 'REDUCE',
    amount: '0',
    penalty: '0',
    shared: false,
    lines: lines.map((l) => ({ ...l, sku: '', quantity: 0, openQuantity: 0 })),
  } as unknown as PlannedPo;
}

describe('settlementKindFor', () => {
  it('is a refund when money goes back, even when a fee is also outstanding', () => {
    expect(settlementKindFor({ refundDue: '0.01', feeOutstanding: '0.00' })).toBe(SettlementKind.REFUND);
    expect(settlementKindFor({ refundDue: '100.00', feeOutstanding: '50.00' })).toBe(SettlementKind.REFUND);
  });

  it('is a fee when only the customer owes', () => {
    expect(settlementKindFor({ refundDue: '0.00', feeOutstanding: '1200.00' })).toBe(SettlementKind.FEE);
  });

  it('is nothing when neither side owes', () => {
    expect(settlementKindFor({ refundDue: '0', feeOutstanding: '0.00' })).toBe(SettlementKind.NONE);
  });
});

describe('orderStatusAfterTermination', () => {
  // [quantity, terminated] per line → the order's status.
  it.each([
    [
      'every line in full',
      [
        [5, 5],
        [2, 2],
      ],
      'TERMINATED',
    ],
    [
      'one line keeps a quantity',
      [
        [5, 5],
        [2, 1],
      ],
      'PARTIALLY_TERMINATED',
    ],
    ['nothing of a line terminated', [[3, 0]], 'PARTIALLY_TERMINATED'],
  ] as const)('%s: %j → %s', (_case, lines, status) => {
    expect(orderStatusAfterTermination(lines.map(([quantity, terminatedQuantity]) => ({ quantity, terminatedQuantity })))).toBe(status);
  });
});

describe('planPurchaseOrderChanges', () => {
  const po = (id: string, number: string, status = 'OPEN') => ({ id, number, supplierName: `supplier of ${number}`, status });
  const line = (id: string, purchaseOrderId: string, quantity: number, receivedQuantity = 0, cancelledQuantity = 0) => ({
    id,
    purchaseOrderId,
    sku: `SKU-${id}`,
    quantity,
    receivedQuantity,
    cancelledQuantity,
  });

  it('reduces a line and leaves a PO with something open as it was', () => {
    // Line a: 10 ordered, 2 received, 1 cancelled earlier → 7 open; cancel 4 → 10-1=9 before, 5 after.
    const plan = planPurchaseOrderChanges(
      [planned('p1', [{ purchaseOrderLineId: 'a', cancelQuantity: 4 }])],
      [po('p1', 'PO-1')],
      [line('a', 'p1', 10, 2, 1)],
    );
    expect(plan.cancellations).toEqual([{ purchaseOrderLineId: 'a', quantity: 4 }]);
    expect(plan.statusChanges).toEqual([]);
    expect(plan.records).toEqual([
      {
        purchaseOrderId: 'p1',
        number: 'PO-1',
        supplierName: 'supplier of PO-1',
        action: 'REDUCE',
        statusBefore: 'OPEN',
        statusAfter: 'OPEN',
        lines: [{ purchaseOrderLineId: 'a', sku: 'SKU-a', quantityBefore: 9, quantityCancelled: 4, quantityAfter: 5 }],
      },
    ]);
  });

  it('never cancels more than is still open; a PO with nothing left and nothing received ends CANCELLED', () => {
    // Line b: 6 ordered, 0 received, 0 cancelled → 6 open; the plan asks 8, so 6 are cancelled.
    const plan = planPurchaseOrderChanges(
      [planned('p2', [{ purchaseOrderLineId: 'b', cancelQuantity: 8 }])],
      [po('p2', 'PO-2')],
      [line('b', 'p2', 6)],
    );
    expect(plan.cancellations).toEqual([{ purchaseOrderLineId: 'b', quantity: 6 }]);
    expect(plan.statusChanges).toEqual([{ purchaseOrderId: 'p2', status: 'CANCELLED' }]);
    expect(plan.records[0]).toMatchObject({ action: 'CANCEL', statusBefore: 'OPEN', statusAfter: 'CANCELLED' });
    expect(plan.records[0]!.lines).toEqual([
      { purchaseOrderLineId: 'b', sku: 'SKU-b', quantityBefore: 6, quantityCancelled: 6, quantityAfter: 0 },
    ]);
  });

  it('ends RECEIVED when the rest arrived, and counts every line of the PO, planned or not', () => {
    // Line c: 4 ordered, 1 received → 3 open, all cancelled. Line d: 2 ordered, 2 received → 0 open.
    const plan = planPurchaseOrderChanges(
      [planned('p3', [{ purchaseOrderLineId: 'c', cancelQuantity: 3 }])],
      [po('p3', 'PO-3', 'PARTIALLY_RECEIVED')],
      [line('c', 'p3', 4, 1), line('d', 'p3', 2, 2)],
    );
    expect(plan.statusChanges).toEqual([{ purchaseOrderId: 'p3', status: 'RECEIVED' }]);
    expect(plan.records[0]).toMatchObject({ action: 'REDUCE', statusBefore: 'PARTIALLY_RECEIVED', statusAfter: 'RECEIVED' });
  });

  it('keeps an open line of another sales order open: the PO stays as it was', () => {
    // Line e is cancelled in full (5), line f still has 3 open → the PO is only reduced.
    const plan = planPurchaseOrderChanges(
      [planned('p4', [{ purchaseOrderLineId: 'e', cancelQuantity: 5 }])],
      [po('p4', 'PO-4')],
      [line('e', 'p4', 5), line('f', 'p4', 3)],
    );
    expect(plan.statusChanges).toEqual([]);
    expect(plan.records[0]).toMatchObject({ action: 'REDUCE', statusAfter: 'OPEN' });
  });

  it('skips POs the impact did not plan, lines it asks nothing of and lines that vanished; sorts records by PO number', () => {
    const plan = planPurchaseOrderChanges(
      [
        planned('p6', [{ purchaseOrderLineId: 'h', cancelQuantity: 1 }]),
        planned('p5', [
          { purchaseOrderLineId: 'g', cancelQuantity: 1 },
          { purchaseOrderLineId: 'gone', cancelQuantity: 2 },
          { purchaseOrderLineId: 'g2', cancelQuantity: 0 },
        ]),
      ],
      [po('p6', 'PO-6'), po('p5', 'PO-5'), po('p7', 'PO-7')],
      [line('h', 'p6', 4), line('g', 'p5', 4), line('g2', 'p5', 4), line('i', 'p7', 4)],
    );
    expect(plan.cancellations).toEqual([
      { purchaseOrderLineId: 'h', quantity: 1 },
      { purchaseOrderLineId: 'g', quantity: 1 },
    ]);
    expect(plan.records.map((r) => [r.number, r.lines.map((l) => l.purchaseOrderLineId)])).toEqual([
      ['PO-5', ['g']],
      ['PO-6', ['h']],
    ]);
  });

  it('cancels zero on a line with nothing left open, and leaves the status as it was', () => {
    // Line j: 3 ordered, 3 received → nothing open; the PO was already RECEIVED, so nothing changes.
    const plan = planPurchaseOrderChanges(
      [planned('p8', [{ purchaseOrderLineId: 'j', cancelQuantity: 2 }])],
      [po('p8', 'PO-8', 'RECEIVED')],
      [line('j', 'p8', 3, 3)],
    );
    expect(plan.cancellations).toEqual([{ purchaseOrderLineId: 'j', quantity: 0 }]);
    expect(plan.statusChanges).toEqual([]);
    expect(plan.records).toHaveLength(1);
    expect(plan.records[0]).toMatchObject({ action: 'REDUCE', statusBefore: 'RECEIVED', statusAfter: 'RECEIVED' });
  });
});

describe('planReservationReleases', () => {
  const reservation = (reservationId: string, quantity: number) =>
    ({ reservationId, quantity, sku: '', warehouseCode: '', warehouseName: '' }) as TerminationImpact['reservations'][number];

  it('releases a whole reservation, part of a larger one, and at most what is still reserved', () => {
    expect(
      planReservationReleases(
        [reservation('r1', 5), reservation('r2', 2), reservation('r3', 9)],
        [
          { id: 'r1', quantity: 5 },
          { id: 'r2', quantity: 6 },
          { id: 'r3', quantity: 4 },
        ],
      ),
    ).toEqual([
      { reservationId: 'r1', quantity: 5, whole: true },
      { reservationId: 'r2', quantity: 2, whole: false },
      { reservationId: 'r3', quantity: 4, whole: true },
    ]);
  });

  it('skips a reservation that is no longer active', () => {
    expect(planReservationReleases([reservation('gone', 3)], [{ id: 'other', quantity: 3 }])).toEqual([]);
  });
});
