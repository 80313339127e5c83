import { ShipmentStatus } from '../../../order/shipment.entity.js';
import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, rowPerRecord } from './column.js';

export const shipmentColumns = rowPerRecord(SyncRecordKind.SHIPMENT, 'shipments', [
  { key: 'number', path: 'number', type: 'text', required: true, zh: '发货单号', en: 'Number', example: 'SH-2026-0001' },
  referenceColumn('salesOrderLine'),
  { key: 'quantity', path: 'quantity', type: 'int', required: true, zh: '数量', en: 'Quantity', example: '5' },
  { key: 'status', path: 'status', type: 'enum', values: Object.values(ShipmentStatus), zh: '状态', en: 'Status', example: 'IN_TRANSIT' },
  { key: 'carrier', path: 'carrier', type: 'text', required: true, zh: '承运人', en: 'Carrier', example: '顺丰' },
  // Text, not a date column: a time with its offset is kept (a date cell gives the day).
  {
    key: 'shippedAt',
    path: 'shippedAt',
    type: 'text',
    required: true,
    zh: '发货时间',
    en: 'Shipped at',
    example: '2026-11-25T09:00:00+08:00',
  },
  { key: 'deliveredAt', path: 'deliveredAt', type: 'text', zh: '送达时间', en: 'Delivered at', example: '' },
]);
