import { SyncRecordKind } from '../../sync-record.js';
import { rowPerRecord } from './column.js';

export const warehouseColumns = rowPerRecord(SyncRecordKind.WAREHOUSE, 'warehouses', [
  { key: 'code', path: 'code', type: 'text', required: true, zh: '仓库代码', en: 'Code', example: 'WH-SH' },
  { key: 'name', path: 'name', type: 'text', required: true, zh: '名称', en: 'Name', example: '上海仓' },
  { key: 'city', path: 'city', type: 'text', zh: '城市', en: 'City', example: '上海' },
]);
