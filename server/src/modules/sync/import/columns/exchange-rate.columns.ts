import { SyncRecordKind } from '../../sync-record.js';
import { rowPerRecord } from './column.js';

export const exchangeRateColumns = rowPerRecord(SyncRecordKind.EXCHANGE_RATE, 'exchangeRates', [
  { key: 'fromCurrency', path: 'fromCurrency', type: 'text', required: true, zh: '原币', en: 'From currency', example: 'USD' },
  { key: 'toCurrency', path: 'toCurrency', type: 'text', required: true, zh: '本位币', en: 'To currency', example: 'CNY' },
  { key: 'rate', path: 'rate', type: 'decimal', required: true, zh: '汇率', en: 'Rate', example: '7.1234' },
  { key: 'validFrom', path: 'validFrom', type: 'date', required: true, zh: '生效日期', en: 'Valid from', example: '2026-11-01' },
]);
