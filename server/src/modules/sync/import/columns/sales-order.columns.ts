import { ORDER_STAGES, ORDER_STATUSES } from '@ot/shared';
import { SyncRecordKind } from '../../sync-record.js';
import { lineIdColumn, referenceColumn, rowPerLine } from './column.js';

/** One row per order line; the order's columns repeat on each of its rows (the first row's values count). */
export const salesOrderColumns = rowPerLine(SyncRecordKind.SALES_ORDER, 'salesOrders', [
  { key: 'number', path: 'number', type: 'text', required: true, zh: '订单编号', en: 'Number', example: 'SO-2026-0001' },
  referenceColumn('customer'),
  referenceColumn('contract'),
  { key: 'currency', path: 'currency', type: 'text', required: true, zh: '币种', en: 'Currency', example: 'CNY' },
  { key: 'stage', path: 'stage', type: 'enum', values: ORDER_STAGES, required: true, zh: '阶段', en: 'Stage', example: 'IN_PRODUCTION' },
  { key: 'status', path: 'status', type: 'enum', values: ORDER_STATUSES, required: true, zh: '状态', en: 'Status', example: 'CONFIRMED' },
  { key: 'orderDate', path: 'orderDate', type: 'date', required: true, zh: '订单日期', en: 'Order date', example: '2026-11-01' },
  {
    key: 'requestedDeliveryDate',
    path: 'requestedDeliveryDate',
    type: 'date',
    zh: '要求交货日期',
    en: 'Requested delivery date',
    example: '2026-12-15',
  },
  lineIdColumn('SO-2026-0001-1'),
  { key: 'lineNo', path: 'lines[].lineNo', type: 'int', required: true, zh: '行号', en: 'Line no.', example: '1' },
  referenceColumn('product', { line: true }),
  { key: 'quantity', path: 'lines[].quantity', type: 'int', required: true, zh: '数量', en: 'Quantity', example: '10' },
  { key: 'unitPrice', path: 'lines[].unitPrice', type: 'decimal', required: true, zh: '单价', en: 'Unit price', example: '1250.00' },
  { key: 'shippedQuantity', path: 'lines[].shippedQuantity', type: 'int', zh: '已发数量', en: 'Shipped quantity', example: '0' },
]);
