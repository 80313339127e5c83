import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, rowPerRecord } from './column.js';

export const paymentColumns = rowPerRecord(SyncRecordKind.PAYMENT, 'payments', [
  { key: 'reference', path: 'reference', type: 'text', required: true, zh: '付款参考号', en: 'Reference', example: 'PAY-2026-0001' },
  referenceColumn('invoice'),
  { key: 'amount', path: 'amount', type: 'decimal', required: true, zh: '金额', en: 'Amount', example: '600.00' },
  { key: 'method', path: 'method', type: 'text', required: true, zh: '付款方式', en: 'Method', example: 'BANK_TRANSFER' },
  { key: 'paidOn', path: 'paidOn', type: 'date', required: true, zh: '付款日期', en: 'Paid on', example: '2026-11-22' },
]);
