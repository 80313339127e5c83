import { SyncRecordKind } from '../../sync-record.js';
import { nameColumns, rowPerRecord } from './column.js';

export const customerColumns = rowPerRecord(SyncRecordKind.CUSTOMER, 'customers', [
  { key: 'code', path: 'code', type: 'text', required: true, zh: '客户代码', en: 'Code', example: 'CUST-001' },
  ...nameColumns('华东机械有限公司', 'East China Machinery'),
  { key: 'contactName', path: 'contactName', type: 'text', required: true, zh: '联系人', en: 'Contact', example: '王伟' },
  { key: 'email', path: 'email', type: 'text', required: true, zh: '电子邮件', en: 'E-mail', example: 'buyer@example.com' },
  { key: 'phone', path: 'phone', type: 'text', zh: '电话', en: 'Phone', example: '021-5555-0101' },
  { key: 'city', path: 'city', type: 'text', required: true, zh: '城市', en: 'City', example: '上海' },
  { key: 'language', path: 'language', type: 'text', zh: '语言', en: 'Language', example: 'zh-CN' },
]);
