// B6's records: what one batch of 500 sends, the same for our API and for the raw-SQL limit
// (also the records of test/api/erp-sync-sql.spec.ts).
// Per batch: 250 sales orders of two lines, 125 purchase orders each buying line 1 of two orders
// (shared POs), and 125 reservations on line 2 of the other orders: 500 records, 500 order lines,
// 250 PO lines.

export const ORDERS_PER_BATCH = 250;

/** The master records every batch references (sent once through syncRecords before the rounds). */
export function masterRecords(prefix) {
  return {
    customers: [
      {
        externalId: 'cust',
        code: `${prefix}-C`,
        name: '基准客户',
        contactName: 'Bench',
        email: 'bench@customer.example',
        city: 'Suzhou',
      },
    ],
    suppliers: [{ externalId: 'sup', code: `${prefix}-S`, name: 'Bench Supplier', contactName: 'Ms Li', email: 'bench@supplier.example' }],
    products: [1, 2].map((i) => ({ externalId: `prod-${i}`, sku: `${prefix}-P${i}`, name: `产品 ${i}`, unit: 'pcs', listPrice: '100.00' })),
    warehouses: [{ externalId: 'wh', code: `${prefix}-W`, name: '基准仓库', city: 'Kunshan' }],
    contracts: [
      {
        externalId: 'ctr',
        number: `${prefix}-K`,
        title: 'Bench framework agreement',
        customerExternalId: 'cust',
        noticeDays: 14,
        feeSchedule: [{ stage: 'BEFORE_PURCHASING', rate: '0.00' }],
        clauses: [{ code: 'T1', titleZh: '终止', titleEn: 'Termination', textZh: '买方可终止。', textEn: 'The buyer may terminate.' }],
        customerConfirmationRequired: false,
        replyWorkingDays: 3,
        silenceMeans: 'REFUSAL',
        validFrom: '2026-01-01',
      },
    ],
  };
}

/**
 * Batch `b` of run `prefix` as a SyncRecordsInput (without source): `orders` orders (an even
 * number), with half as many POs and reservations. `version` and `quantity` let a later call
 * change every record of a batch.
 */
export function batchRecords(prefix, b, { orders = ORDERS_PER_BATCH, version = 1, quantity = 10 } = {}) {
  const ids = Array.from({ length: orders }, (_, i) => `${prefix}-${b * orders + i}`);
  return {
    salesOrders: ids.map((id, i) => ({
      externalId: id,
      sourceVersion: version,
      number: id,
      customerExternalId: 'cust',
      contractExternalId: 'ctr',
      currency: 'CNY',
      stage: 'BEFORE_PURCHASING',
      status: 'CONFIRMED',
      orderDate: '2026-11-20',
      lines: [1, 2].map((n) => ({
        externalId: `${id}-${n}`,
        lineNo: n,
        productExternalId: `prod-${n}`,
        quantity: quantity + (i % 7),
        unitPrice: '10.00',
      })),
    })),
    purchaseOrders: ids
      .filter((_, i) => i % 2 === 0)
      .map((id, i) => ({
        externalId: `PO-${id}`,
        sourceVersion: version,
        number: `PO-${id}`,
        supplierExternalId: 'sup',
        status: 'CONFIRMED',
        currency: 'CNY',
        orderDate: '2026-11-21',
        lines: [0, 1].map((k) => ({
          externalId: `PO-${id}-${k}`,
          productExternalId: 'prod-1',
          quantity: quantity + ((2 * i + k) % 7),
          unitPrice: '6.00',
          salesOrderLineExternalId: `${ids[2 * i + k]}-1`,
        })),
      })),
    reservations: ids
      .filter((_, i) => i % 2 === 1)
      .map((id) => ({
        externalId: `R-${id}`,
        sourceVersion: version,
        salesOrderLineExternalId: `${id}-2`,
        warehouseExternalId: 'wh',
        quantity: Math.max(1, quantity - 7),
      })),
  };
}
