import type { ContractSyncInput } from '../modules/sync/kinds/contract.sync.js';
import type { CustomerSyncInput } from '../modules/sync/kinds/customer.sync.js';
import type { ExchangeRateSyncInput } from '../modules/sync/kinds/exchange-rate.sync.js';
import type { InvoiceSyncInput } from '../modules/sync/kinds/invoice.sync.js';
import type { PaymentSyncInput } from '../modules/sync/kinds/payment.sync.js';
import type { ProductSyncInput } from '../modules/sync/kinds/product.sync.js';
import type { PurchaseOrderSyncInput } from '../modules/sync/kinds/purchase-order.sync.js';
import type { ReservationSyncInput } from '../modules/sync/kinds/reservation.sync.js';
import type { SalesOrderSyncInput } from '../modules/sync/kinds/sales-order.sync.js';
import type { ShipmentSyncInput } from '../modules/sync/kinds/shipment.sync.js';
import type { StockLevelSyncInput } from '../modules/sync/kinds/stock-level.sync.js';
import type { SupplierSyncInput } from '../modules/sync/kinds/supplier.sync.js';
import type { WarehouseSyncInput } from '../modules/sync/kinds/warehouse.sync.js';
import type { SalesOrderLine } from '../modules/order/sales-order-line.entity.js';
import type { DemoBusiness } from './erp-seed.js';

/** The demo business as one ERP would send it: syncRecords lists by field name (`customers`, …). */
export interface DemoRecords {
  customers: CustomerSyncInput[];
  suppliers: SupplierSyncInput[];
  products: ProductSyncInput[];
  warehouses: WarehouseSyncInput[];
  contracts: ContractSyncInput[];
  salesOrders: SalesOrderSyncInput[];
  purchaseOrders: PurchaseOrderSyncInput[];
  stockLevels: StockLevelSyncInput[];
  reservations: ReservationSyncInput[];
  shipments: ShipmentSyncInput[];
  invoices: InvoiceSyncInput[];
  payments: PaymentSyncInput[];
  exchangeRates: ExchangeRateSyncInput[];
}

/**
 * When each demo record was entered, by list and external id: an ERP record carries no such
 * time, so the seed dates the rows back afterwards (the demo business has a year of history).
 */
export type DemoHistory = Partial<Record<keyof DemoRecords, Map<string, Date>>>;

/**
 * External ids are the demo's business keys (codes, SKUs, document numbers), so that a partner
 * reading the demo sees ids it could have sent; lines and stock levels combine their parents' keys.
 */
const lineId = (line: SalesOrderLine) => `${line.order.number}/${line.lineNo}`;

/** The demo business as ERP sync records, and the history to date its rows back to. */
export function demoRecords(
  business: DemoBusiness,
  exchangeRates: ExchangeRateSyncInput[],
): { records: DemoRecords; history: DemoHistory } {
  const history: DemoHistory = {};
  const dated = <T extends { externalId: string }>(list: keyof DemoRecords, record: T, createdAt: Date): T => {
    (history[list] ??= new Map()).set(record.externalId, createdAt);
    return record;
  };
  const records: DemoRecords = {
    customers: business.customers.map((c) =>
      dated(
        'customers',
        { externalId: c.code, ...pick(c, 'code', 'name', 'nameEn', 'contactName', 'email', 'phone', 'city') },
        c.createdAt,
      ),
    ),
    suppliers: business.suppliers.map((s) =>
      dated('suppliers', { externalId: s.code, ...pick(s, 'code', 'name', 'contactName', 'email', 'phone') }, s.createdAt),
    ),
    products: business.products.map((p) =>
      dated('products', { externalId: p.sku, ...pick(p, 'sku', 'name', 'nameEn', 'unit', 'listPrice', 'status') }, p.createdAt),
    ),
    warehouses: business.warehouses.map((w) =>
      dated('warehouses', { externalId: w.code, ...pick(w, 'code', 'name', 'city') }, w.createdAt),
    ),
    contracts: business.contracts.map((ct) =>
      dated(
        'contracts',
        {
          externalId: ct.number,
          customerExternalId: ct.customer.code,
          ...pick(ct, 'number', 'title', 'noticeDays', 'customerConfirmationRequired', 'replyWorkingDays', 'silenceMeans', 'validFrom'),
          feeSchedule: ct.feeSchedule.map(({ stage, rate }) => ({ stage, rate })),
          clauses: ct.clauses.map((cl) => ({ ...cl })),
        },
        ct.createdAt,
      ),
    ),
    salesOrders: business.orders.map(({ order, lines }) =>
      dated(
        'salesOrders',
        {
          externalId: order.number,
          customerExternalId: order.customer.code,
          contractExternalId: order.contract.number,
          ...pick(order, 'number', 'currency', 'stage', 'status', 'orderDate', 'requestedDeliveryDate'),
          lines: lines.map((l) => ({
            externalId: lineId(l),
            productExternalId: l.product.sku,
            ...pick(l, 'lineNo', 'quantity', 'unitPrice', 'shippedQuantity'),
          })),
        },
        order.createdAt,
      ),
    ),
    purchaseOrders: business.purchases.map(({ po, lines }) =>
      dated(
        'purchaseOrders',
        {
          externalId: po.number,
          supplierExternalId: po.supplier!.code,
          ...pick(po, 'number', 'status', 'currency', 'orderDate', 'cancellationPenaltyRate'),
          lines: lines.map((l, i) => ({
            externalId: `${po.number}/${i + 1}`,
            productExternalId: l.product.sku,
            salesOrderLineExternalId: lineId(l.salesOrderLine),
            quantity: l.quantity,
            unitPrice: l.unitCost,
            receivedQuantity: l.receivedQuantity,
          })),
        },
        po.createdAt,
      ),
    ),
    stockLevels: business.stock.map((s) =>
      dated(
        'stockLevels',
        {
          externalId: `${s.warehouse.code}/${s.product.sku}`,
          warehouseExternalId: s.warehouse.code,
          productExternalId: s.product.sku,
          ...pick(s, 'onHand', 'reserved'),
        },
        s.createdAt,
      ),
    ),
    reservations: business.reservations.map((r, i) =>
      dated(
        'reservations',
        {
          externalId: `RS-2026-${String(i + 1).padStart(5, '0')}`,
          salesOrderLineExternalId: lineId(r.salesOrderLine),
          warehouseExternalId: r.warehouse.code,
          ...pick(r, 'quantity', 'status'),
        },
        r.createdAt,
      ),
    ),
    shipments: business.shipments.map((s) =>
      dated(
        'shipments',
        {
          externalId: s.number,
          salesOrderLineExternalId: lineId(s.line),
          ...pick(s, 'number', 'quantity', 'status', 'carrier'),
          shippedAt: s.shippedAt.toISOString(),
          deliveredAt: s.deliveredAt?.toISOString() ?? null,
        },
        s.createdAt,
      ),
    ),
    invoices: business.invoices.map((inv) =>
      dated(
        'invoices',
        { externalId: inv.number, salesOrderExternalId: inv.order.number, ...pick(inv, 'number', 'amount', 'issuedOn') },
        inv.createdAt,
      ),
    ),
    payments: business.payments.map((p) =>
      dated(
        'payments',
        { externalId: p.reference, invoiceExternalId: p.invoice!.number, ...pick(p, 'reference', 'amount', 'method', 'paidOn') },
        p.createdAt,
      ),
    ),
    exchangeRates,
  };
  return { records, history };
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Pick<T, K>;
}
