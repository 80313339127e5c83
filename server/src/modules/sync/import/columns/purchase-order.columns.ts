import { PO_STATUSES } from '@ot/shared';
import { SyncRecordKind } from '../../sync-record.js';
import { lineIdColumn, referenceColumn, rowPerLine } from './column.js';

/** One row per purchase-order line; the order's columns repeat on each of its rows (the first row's values count). */
export const purchaseOrderColumns = rowPerLine(SyncRecordKind.PURCHASE_ORDER, 'purchaseOrders', [
  { key: 'number', path: 'number', type: 'text', required: true, zh: '采购单编号', en: 'Number', example: 'PO-2026-0001' },
  referenceColumn('supplier'),
  { key: 'status', path: 'status', type: 'enum', values: PO_STATUSES, required: true, zh: '状态', en: 'Status', example: 'SENT' },
  { key: 'currency', path: 'currency', type: 'text', required: true, zh: '币种', en: 'Currency', example: 'CNY' },
  { key: 'orderDate', path: 'orderDate', type: 'date', required: true, zh: '订单日期', en: 'Order date', example: '2026-11-02' },
  {
    key: 'cancellationPenaltyRate',
    path: 'cancellationPenaltyRate',
    type: 'decimal',
    zh: '取消罚金率',
    en: 'Cancellation penalty rate',
    example: '0.1',
  },
  lineIdColumn('PO-2026-0001-1'),
  referenceColumn('product', { line: true }),
  { key: 'quantity', path: 'lines[].quantity', type: 'int', required: true, zh: '数量', en: 'Quantity', example: '10' },
  { key: 'unitPrice', path: 'lines[].unitPrice', type: 'decimal', required: true, zh: '单价', en: 'Unit price', example: '800.00' },
  referenceColumn('salesOrderLine', { line: true, optional: true }),
  { key: 'receivedQuantity', path: 'lines[].receivedQuantity', type: 'int', zh: '已收数量', en: 'Received quantity', example: '0' },
]);
