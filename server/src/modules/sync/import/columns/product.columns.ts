import { ProductStatus } from '../../../order/product.entity.js';
import { SyncRecordKind } from '../../sync-record.js';
import { RECORD_COLUMNS, type ImportKindColumns } from './column.js';

export const productColumns: ImportKindColumns = {
  kind: SyncRecordKind.PRODUCT,
  field: 'products',
  hasLines: false,
  columns: [
    ...RECORD_COLUMNS,
    { key: 'sku', path: 'sku', type: 'text', required: true, zh: '物料编码', en: 'SKU', example: 'SKU-1001' },
    { key: 'name', path: 'name', type: 'text', required: true, zh: '名称', en: 'Name', example: '液压泵' },
    { key: 'nameEn', path: 'nameEn', type: 'text', zh: '英文名称', en: 'Name (English)', example: 'Hydraulic pump' },
    { key: 'unit', path: 'unit', type: 'text', required: true, zh: '单位', en: 'Unit', example: 'PCS' },
    { key: 'listPrice', path: 'listPrice', type: 'decimal', required: true, zh: '标价', en: 'List price', example: '1250.00' },
    { key: 'status', path: 'status', type: 'enum', values: Object.values(ProductStatus), zh: '状态', en: 'Status', example: 'ACTIVE' },
  ],
};
