import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, rowPerRecord } from './column.js';

export const stockLevelColumns = rowPerRecord(SyncRecordKind.STOCK_LEVEL, 'stockLevels', [
  referenceColumn('warehouse'),
  referenceColumn('product'),
  { key: 'onHand', path: 'onHand', type: 'int', required: true, zh: '在库数量', en: 'On hand', example: '120' },
  { key: 'reserved', path: 'reserved', type: 'int', zh: '预留数量', en: 'Reserved', example: '0' },
]);
