import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, RECORD_COLUMNS, type ImportKindColumns } from './column.js';

export const stockLevelColumns: ImportKindColumns = {
  kind: SyncRecordKind.STOCK_LEVEL,
  field: 'stockLevels',
  hasLines: false,
  columns: [
    ...RECORD_COLUMNS,
    referenceColumn('warehouse'),
    referenceColumn('product'),
    { key: 'onHand', path: 'onHand', type: 'int', required: true, zh: '在库数量', en: 'On hand', example: '120' },
    { key: 'reserved', path: 'reserved', type: 'int', zh: '预留数量', en: 'Reserved', example: '0' },
  ],
};
