import { describe, expect, it } from 'vitest';
import { computeImpact, type ImpactFacts, type ImpactInput, type PurchaseOrderLineFacts } from './impact-calculation.js';
import { TerminationFault } from './termination-reason.entity.js';
import { INSTALLED_POLICY as RULES } from '../approval/installed-policy.fixture.js';

/*
 * Facts shaped like the demo's fixture orders; the expected values are those the API tests
 * (termination-full, demo-orders, fees-and-applied-changes, currency) hold the product to.
 */

const NOW = new Date('2026-11-25T01:00:00Z');

const CUSTOMER_CANCELLATION: ImpactInput['reason'] = {
  code: 'CUSTOMER_CANCELLATION',
  category: 'CUSTOMER',
  active: true,
  fault: TerminationFault.BUYER,
  customerConfirmationDefault: true,
};
const SUPPLY_UNAVAILABLE: ImpactInput['reason'] = {
  code: 'SUPPLY_UNAVAILABLE',
  category: 'SUPPLY',
  active: true,
  fault: TerminationFault.SELLER,
  customerConfirmationDefault: true,
};

const FEE_SCHEDULE = [
  { stage: 'BEFORE_PURCHASING' as const, rate: '0.05' },
  { stage: 'PURCHASING_CONFIRMED' as const, rate: '0.10' },
  { stage: 'IN_PRODUCTION' as const, rate: '0.30' },
  { stage: 'SHIPPING' as const, rate: '0.50' },
];

/** Line ids are uuids, as the API takes them. */
const L = (n: string) => `00000000-0000-4000-8000-0000000000${n}`;

const so2 = { id: 'order-2', number: 'SO-2026-00002', customerName: '苏州精工' };
const so1 = { id: 'order-1', number: 'SO-2026-00001', customerName: '上海华东' };

function poLine(id: string, po: string, line: string, order: typeof so1, quantity: number, unitCost: string): PurchaseOrderLineFacts {
  return {
    id,
    purchaseOrderId: po,
    salesOrderLineId: line,
    salesOrder: order,
    sku: id,
    quantity,
    receivedQuantity: 0,
    cancelledQuantity: 0,
    unitCost,
  };
}

/** SO-2026-00001: an exclusive confirmed PO, a PO shared with SO-2026-00002, two reservations, 30 % prepaid. */
function mainDemoOrder(): ImpactFacts {
  return {
    order: {
      id: so1.id,
      number: so1.number,
      status: 'CONFIRMED',
      stage: 'PURCHASING_CONFIRMED',
      currency: 'CNY',
      totalAmount: '249900.00',
      requestedDeliveryDate: '2026-12-20',
    },
    contract: {
      feeSchedule: FEE_SCHEDULE,
      clauses: [
        { code: 'NOTICE', titleZh: '通知', titleEn: 'Notice', textZh: '…', textEn: '…' },
        { code: 'FEE', titleZh: '违约金', titleEn: 'Fee', textZh: '…', textEn: '…' },
        { code: 'CONFIRMATION', titleZh: '确认', titleEn: 'Confirmation', textZh: '…', textEn: '…' },
      ],
      noticeDays: 15,
      customerConfirmationRequired: true,
    },
    lines: [
      {
        id: L('01'),
        lineNo: 1,
        sku: 'P-10002',
        productName: 'PLC',
        quantity: 24,
        openQuantity: 24,
        terminatedQuantity: 0,
        unitPrice: '5460.00',
      },
      {
        id: L('02'),
        lineNo: 2,
        sku: 'P-10005',
        productName: 'Servo',
        quantity: 30,
        openQuantity: 30,
        terminatedQuantity: 0,
        unitPrice: '3650.00',
      },
      {
        id: L('03'),
        lineNo: 3,
        sku: 'P-10012',
        productName: 'Cable',
        quantity: 200,
        openQuantity: 200,
        terminatedQuantity: 0,
        unitPrice: '46.80',
      },
    ],
    runningTermination: null,
    purchaseOrders: [
      {
        id: 'po-x',
        number: 'PO-2026-00001',
        supplierName: 'S001',
        status: 'CONFIRMED',
        currency: 'CNY',
        cancellationPenaltyRate: '0.0500',
      },
      { id: 'po-s', number: 'PO-2026-00002', supplierName: 'S005', status: 'SENT', currency: 'CNY', cancellationPenaltyRate: '0.1000' },
    ],
    purchaseOrderLines: [
      poLine('pl-x', 'po-x', L('01'), so1, 24, '4150.00'),
      poLine('pl-s1', 'po-s', L('02'), so1, 30, '2780.00'),
      poLine('pl-s2', 'po-s', 'other-line', so2, 12, '5120.00'),
    ],
    reservations: [
      { id: 'r1', salesOrderLineId: L('01'), sku: 'P-10002', warehouseCode: 'WH-SH', warehouseName: '上海仓', quantity: 24 },
      { id: 'r3', salesOrderLineId: L('03'), sku: 'P-10012', warehouseCode: 'WH-SH', warehouseName: '上海仓', quantity: 200 },
    ],
    shipments: [],
    invoiceAmounts: ['74970.00'],
    paymentAmounts: ['74970.00'],
    baseCurrency: 'CNY',
    exchangeRate: '1',
    approvalRules: RULES,
  };
}

/** SO-2026-00005: confirmed, nothing purchased, reserved or invoiced. */
function simpleDemoOrder(): ImpactFacts {
  return {
    ...mainDemoOrder(),
    order: {
      id: 'order-5',
      number: 'SO-2026-00005',
      status: 'CONFIRMED',
      stage: 'BEFORE_PURCHASING',
      currency: 'CNY',
      totalAmount: '15500.00',
    },
    contract: { feeSchedule: FEE_SCHEDULE, clauses: [], noticeDays: 15, customerConfirmationRequired: false },
    lines: [
      {
        id: L('51'),
        lineNo: 1,
        sku: 'P-10011',
        productName: 'Relay',
        quantity: 200,
        openQuantity: 200,
        terminatedQuantity: 0,
        unitPrice: '18.50',
      },
      {
        id: L('52'),
        lineNo: 2,
        sku: 'P-10025',
        productName: 'HMI',
        quantity: 50,
        openQuantity: 50,
        terminatedQuantity: 0,
        unitPrice: '236.00',
      },
    ],
    purchaseOrders: [],
    purchaseOrderLines: [],
    reservations: [],
    invoiceAmounts: [],
    paymentAmounts: [],
  };
}

const route = (i: { approvalRoute: { stage: number; department: string }[] }) => i.approvalRoute.map((s) => `${s.stage}:${s.department}`);

describe('computeImpact', () => {
  it('SO-2026-00001: cancels the exclusive PO, reduces the shared one, releases the reservations, charges 10 %', () => {
    const i = computeImpact(mainDemoOrder(), { reason: CUSTOMER_CANCELLATION }, NOW);
    expect(i.scope).toBe('FULL');
    expect(i.blockers).toEqual([]);
    expect(i.purchaseOrders.map((p) => [p.number, p.action, p.shared])).toEqual([
      ['PO-2026-00001', 'CANCEL', false],
      ['PO-2026-00002', 'REDUCE', true],
    ]);
    expect(i.sharedPurchaseOrderOrders).toEqual([
      { purchaseOrderNumber: 'PO-2026-00002', orderNumber: 'SO-2026-00002', customerName: '苏州精工' },
    ]);
    expect(i.reservations.map((r) => [r.reservationId, r.quantity])).toEqual([
      ['r1', 24],
      ['r3', 200],
    ]);
    expect(i).toMatchObject({
      terminatedValue: '249900.00',
      orderStage: 'PURCHASING_CONFIRMED',
      feeRate: '0.10',
      contractFee: '24990.00',
      cancellationFee: '24990.00',
      // Nothing is kept, so the refund is what was paid less the fee.
      refundDue: '49980.00',
      feeOutstanding: '0.00',
      // Penalty only on the confirmed PO: 24 × 4150.00 × 5 %.
      supplierPenalties: '4980.00',
      customerConfirmationRequired: true,
      customerConfirmationByContract: true,
      computedAt: NOW,
    });
    expect(i.contractClauses.map((c) => c.code)).toEqual(['NOTICE', 'FEE', 'CONFIRMATION']);
    expect(route(i)).toEqual(['1:SALES', '2:PURCHASING', '2:WAREHOUSE', '3:FINANCE']);
    expect(i.departmentsToNotify).toEqual(expect.arrayContaining(['SALES', 'PURCHASING', 'WAREHOUSE', 'FINANCE', 'CUSTOMER_SERVICE']));
    expect(i.warnings.map((w) => w.code)).toEqual(['SHARED_PURCHASE_ORDER', 'SUPPLIER_PENALTY']);
  });

  it('SO-2026-00005: seller-caused, no fee and sales alone; buyer-caused, a fee and finance too', () => {
    const seller = computeImpact(simpleDemoOrder(), { reason: SUPPLY_UNAVAILABLE }, NOW);
    expect(seller).toMatchObject({ fault: 'SELLER', contractFee: '775.00', cancellationFee: '0.00', feeOutstanding: '0.00' });
    expect(seller.warnings.find((w) => w.code === 'FEE_NOT_CHARGED')?.message).toMatch(/seller/i);
    expect(route(seller)).toEqual(['1:SALES']);
    const buyer = computeImpact(simpleDemoOrder(), { reason: CUSTOMER_CANCELLATION }, NOW);
    expect(buyer).toMatchObject({ fault: 'BUYER', contractFee: '775.00', cancellationFee: '775.00', feeOutstanding: '775.00' });
    expect(route(buyer)).toEqual(['1:SALES', '3:FINANCE']);
  });

  it('the second order on a shared PO cancels it once the first one cancelled its part', () => {
    const facts = mainDemoOrder();
    facts.purchaseOrderLines.find((l) => l.id === 'pl-s2')!.cancelledQuantity = 12;
    const i = computeImpact(facts, { reason: CUSTOMER_CANCELLATION }, NOW);
    expect(i.purchaseOrders.find((p) => p.number === 'PO-2026-00002')).toMatchObject({ action: 'CANCEL', shared: false });
    expect(i.warnings.map((w) => w.code)).not.toContain('SHARED_PURCHASE_ORDER');
    expect(i.sharedPurchaseOrderOrders).toEqual([]);
  });

  it('converts a USD order at the rate given and asks management only above the threshold', () => {
    const usd = (rate: string | null): ImpactFacts => ({
      ...simpleDemoOrder(),
      order: { ...simpleDemoOrder().order, currency: 'USD', totalAmount: '29982.25' },
      exchangeRate: rate,
    });
    const above = computeImpact(usd('16.6766'), { reason: SUPPLY_UNAVAILABLE }, NOW);
    expect(above).toMatchObject({ baseCurrency: 'CNY', exchangeRate: '16.6766', orderValueInBase: '500001.99' });
    expect(route(above)).toContain('4:MANAGEMENT');
    const below = computeImpact(usd('16.6765'), { reason: SUPPLY_UNAVAILABLE }, NOW);
    expect(below.orderValueInBase).toBe('499998.99');
    expect(route(below)).not.toContain('4:MANAGEMENT');
    const unknown = computeImpact(usd(null), { reason: SUPPLY_UNAVAILABLE }, NOW);
    expect(unknown.orderValueInBase).toBeNull();
    expect(unknown.warnings.find((w) => w.code === 'EXCHANGE_RATE_MISSING')?.subject).toBe('USD');
    expect(route(unknown)).toContain('4:MANAGEMENT');
  });

  it('says what blocks a termination', () => {
    const shipped = simpleDemoOrder();
    for (const line of shipped.lines) line.openQuantity = 0;
    expect(computeImpact(shipped, { reason: SUPPLY_UNAVAILABLE }, NOW).blockers.map((b) => b.code)).toEqual(['ORDER_FULLY_SHIPPED']);
    const running = { ...simpleDemoOrder(), runningTermination: 'TR-2026-00001' };
    expect(computeImpact(running, { reason: SUPPLY_UNAVAILABLE }, NOW).blockers).toEqual([
      { code: 'TERMINATION_ACTIVE', message: 'Termination TR-2026-00001 is already running for this order.', subject: 'TR-2026-00001' },
    ]);
    const tooMuch = computeImpact(simpleDemoOrder(), { reason: SUPPLY_UNAVAILABLE, lines: [{ lineId: L('51'), quantity: 201 }] }, NOW);
    expect(tooMuch.blockers.map((b) => b.code)).toEqual(['QUANTITY_ABOVE_OPEN']);
  });

  it('a partial termination keeps the rest of the order and warns inside the notice period', () => {
    const facts = { ...mainDemoOrder(), order: { ...mainDemoOrder().order, requestedDeliveryDate: '2026-12-01' } };
    const i = computeImpact(facts, { reason: CUSTOMER_CANCELLATION, lines: [{ lineId: L('03'), quantity: 100 }] }, NOW);
    // 249 900 − 4 680 stays: the 74 970 paid is all for what stays, so nothing is refunded and the fee is owed.
    expect(i).toMatchObject({
      scope: 'PARTIAL',
      terminatedValue: '4680.00',
      cancellationFee: '468.00',
      refundDue: '0.00',
      feeOutstanding: '468.00',
    });
    expect(i.purchaseOrders).toEqual([]);
    expect(i.reservations.map((r) => [r.reservationId, r.quantity])).toEqual([['r3', 100]]);
    expect(i.warnings.map((w) => w.code)).toContain('WITHIN_NOTICE_PERIOD');
  });
});
