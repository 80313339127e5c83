import { ReservationStatus } from '../../../inventory/reservation.entity.js';
import { SyncRecordKind } from '../../sync-record.js';
import { RECORD_COLUMNS, type ImportKindColumns } from './column.js';

export const reservationColumns: ImportKindColumns = {
  kind: SyncRecordKind.RESERVATION,
  field: 'reservations',
  hasLines: false,
  columns: [
    ...RECORD_COLUMNS,
    {
      key: 'salesOrderLineExternalId',
      path: 'salesOrderLineExternalId',
      type: 'text',
      required: true,
      zh: '销售订单行外部编号',
      en: 'Sales order line external ID',
      example: 'SO-2026-0001-1',
    },
    {
      key: 'warehouseExternalId',
      path: 'warehouseExternalId',
      type: 'text',
      required: true,
      zh: '仓库外部编号',
      en: 'Warehouse external ID',
      example: 'W-SH',
    },
    { key: 'quantity', path: 'quantity', type: 'int', required: true, zh: '数量', en: 'Quantity', example: '10' },
    { key: 'status', path: 'status', type: 'enum', values: Object.values(ReservationStatus), zh: '状态', en: 'Status', example: 'ACTIVE' },
  ],
};
