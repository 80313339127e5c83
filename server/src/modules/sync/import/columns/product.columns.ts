import { ProductStatus } from '../../../order/product.entity.js';
import { SyncRecordKind } from '../../sync-record.js';
import { nameColumns, rowPerRecord } from './column.js';

export const productColumns = rowPerRecord(SyncRecordKind.PRODUCT, 'products', [
  { key: 'sku', path: 'sku', type: 'text', required: true, zh: '物料编码', en: 'SKU', example: 'SKU-1001' },
  ...nameColumns('液压泵', 'Hydraulic pump'),
  { key: 'unit', path: 'unit', type: 'text', required: true, zh: '单位', en: 'Unit', example: 'PCS' },
  { key: 'listPrice', path: 'listPrice', type: 'decimal', required: true, zh: '标价', en: 'List price', example: '1250.00' },
  { key: 'status', path: 'status', type: 'enum', values: Object.values(ProductStatus), zh: '状态', en: 'Status', example: 'ACTIVE' },
]);
