import { ReservationStatus } from '../../../inventory/reservation.entity.js';
import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, rowPerRecord } from './column.js';

export const reservationColumns = rowPerRecord(SyncRecordKind.RESERVATION, 'reservations', [
  referenceColumn('salesOrderLine'),
  referenceColumn('warehouse'),
  { key: 'quantity', path: 'quantity', type: 'int', required: true, zh: '数量', en: 'Quantity', example: '10' },
  { key: 'status', path: 'status', type: 'enum', values: Object.values(ReservationStatus), zh: '状态', en: 'Status', example: 'ACTIVE' },
]);
