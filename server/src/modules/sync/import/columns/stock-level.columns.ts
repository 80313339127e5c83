import { SyncRecordKind } from '../../sync-record.js';
import { RECORD_COLUMNS, type ImportKindColumns } from './column.js';

export const stockLevelColumns: ImportKindColumns = {
  kind: SyncRecordKind.STOCK_LEVEL,
  field: 'stockLevels',
  hasLines: false,
  columns: [
    ...RECORD_COLUMNS,
    {
      key: 'warehouseExternalId',
      path: 'warehouseExternalId',
      type: 'text',
      required: true,
      zh: '仓库外部编号',
      en: 'Warehouse external ID',
      example: 'W-SH',
    },
    {
      key: 'productExternalId',
      path: 'productExternalId',
      type: 'text',
      required: true,
      zh: '产品外部编号',
      en: 'Product external ID',
      example: 'P-1001',
    },
    { key: 'onHand', path: 'onHand', type: 'int', required: true, zh: '在库数量', en: 'On hand', example: '120' },
    { key: 'reserved', path: 'reserved', type: 'int', zh: '预留数量', en: 'Reserved', example: '0' },
  ],
};
