import type { SyncRecordKind } from '../sync-record.js';
import type { ImportKindColumns } from './columns/column.js';
import { contractColumns } from './columns/contract.columns.js';
import { customerColumns } from './columns/customer.columns.js';
import { productColumns } from './columns/product.columns.js';
import { purchaseOrderColumns } from './columns/purchase-order.columns.js';
import { reservationColumns } from './columns/reservation.columns.js';
import { salesOrderColumns } from './columns/sales-order.columns.js';
import { stockLevelColumns } from './columns/stock-level.columns.js';
import { supplierColumns } from './columns/supplier.columns.js';
import { warehouseColumns } from './columns/warehouse.columns.js';
import { exchangeRateColumns } from './columns/exchange-rate.columns.js';
import { invoiceColumns } from './columns/invoice.columns.js';
import { paymentColumns } from './columns/payment.columns.js';
import { shipmentColumns } from './columns/shipment.columns.js';

/** Every kind a spreadsheet can import: a new kind is one columns file added here. */
export const IMPORT_KINDS: readonly ImportKindColumns[] = [
  customerColumns,
  supplierColumns,
  productColumns,
  warehouseColumns,
  contractColumns,
  salesOrderColumns,
  purchaseOrderColumns,
  stockLevelColumns,
  reservationColumns,
  shipmentColumns,
  invoiceColumns,
  paymentColumns,
  exchangeRateColumns,
];

export function importKind(kind: SyncRecordKind | string): ImportKindColumns | undefined {
  return IMPORT_KINDS.find((k) => k.kind === kind);
}

/** Template and error-report file names use the kind in lower case with dashes: `sales-order`. */
export function kindSlug(kind: SyncRecordKind | string): string {
  return String(kind).toLowerCase().replaceAll('_', '-');
}

export function kindFromSlug(slug: string): ImportKindColumns | undefined {
  return IMPORT_KINDS.find((k) => kindSlug(k.kind) === slug);
}
