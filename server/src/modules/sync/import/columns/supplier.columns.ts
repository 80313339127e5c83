import { SyncRecordKind } from '../../sync-record.js';
import { rowPerRecord } from './column.js';

export const supplierColumns = rowPerRecord(SyncRecordKind.SUPPLIER, 'suppliers', [
  { key: 'code', path: 'code', type: 'text', required: true, zh: '供应商代码', en: 'Code', example: 'SUP-001' },
  { key: 'name', path: 'name', type: 'text', required: true, zh: '名称', en: 'Name', example: '宁波精密零件厂' },
  { key: 'contactName', path: 'contactName', type: 'text', zh: '联系人', en: 'Contact', example: '李娜' },
  { key: 'email', path: 'email', type: 'text', zh: '电子邮件', en: 'E-mail', example: 'sales@supplier.example.com' },
  { key: 'phone', path: 'phone', type: 'text', zh: '电话', en: 'Phone', example: '0574-5555-0102' },
  { key: 'active', path: 'active', type: 'bool', zh: '启用', en: 'Active', example: 'true' },
]);
