import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, rowPerRecord } from './column.js';

export const invoiceColumns = rowPerRecord(SyncRecordKind.INVOICE, 'invoices', [
  { key: 'number', path: 'number', type: 'text', required: true, zh: '发票号', en: 'Number', example: 'INV-2026-0001' },
  referenceColumn('salesOrder'),
  referenceColumn('customer', { optional: true }),
  { key: 'amount', path: 'amount', type: 'decimal', required: true, zh: '金额', en: 'Amount', example: '1200.00' },
  { key: 'issuedOn', path: 'issuedOn', type: 'date', required: true, zh: '开票日期', en: 'Issued on', example: '2026-11-20' },
]);
