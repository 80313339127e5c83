import { SilenceMeans } from '../../../order/contract.entity.js';
import { SyncRecordKind } from '../../sync-record.js';
import { referenceColumn, rowPerLine } from './column.js';

/**
 * The fee schedule is one cell, `STAGE=rate` pairs separated by ";" (e.g.
 * `BEFORE_PURCHASING=0;IN_PRODUCTION=0.3`). Clauses take one row each: the contract's columns
 * repeat on each of its rows (the first row's values count), which must be next to each other; a
 * row with empty clause cells adds no clause (a contract without clauses is one row).
 */
export const contractColumns = rowPerLine(
  SyncRecordKind.CONTRACT,
  'contracts',
  [
    { key: 'number', path: 'number', type: 'text', required: true, zh: '合同编号', en: 'Number', example: 'CT-2026-001' },
    { key: 'title', path: 'title', type: 'text', required: true, zh: '标题', en: 'Title', example: '年度供货框架合同' },
    referenceColumn('customer'),
    { key: 'noticeDays', path: 'noticeDays', type: 'int', required: true, zh: '通知天数', en: 'Notice days', example: '30' },
    {
      key: 'feeSchedule',
      path: 'feeSchedule',
      type: 'feeSchedule',
      required: true,
      zh: '费率表',
      en: 'Fee schedule',
      example: 'BEFORE_PURCHASING=0;PURCHASING_CONFIRMED=0.1;IN_PRODUCTION=0.3;SHIPPING=0.6',
    },
    {
      key: 'customerConfirmationRequired',
      path: 'customerConfirmationRequired',
      type: 'bool',
      zh: '需客户确认',
      en: 'Customer confirmation required',
      example: 'false',
    },
    { key: 'replyWorkingDays', path: 'replyWorkingDays', type: 'int', zh: '答复工作日', en: 'Reply working days', example: '5' },
    {
      key: 'silenceMeans',
      path: 'silenceMeans',
      type: 'enum',
      values: Object.values(SilenceMeans),
      zh: '沉默视为',
      en: 'Silence means',
      example: '',
    },
    { key: 'validFrom', path: 'validFrom', type: 'date', zh: '生效日期', en: 'Valid from', example: '2026-01-01' },
    { key: 'clauseCode', path: 'clauses[].code', type: 'text', zh: '条款编号', en: 'Clause code', example: '7.2' },
    {
      key: 'clauseTitleZh',
      path: 'clauses[].titleZh',
      type: 'text',
      zh: '条款标题（中文）',
      en: 'Clause title (Chinese)',
      example: '订单终止',
    },
    {
      key: 'clauseTitleEn',
      path: 'clauses[].titleEn',
      type: 'text',
      zh: '条款标题（英文）',
      en: 'Clause title (English)',
      example: 'Termination of orders',
    },
    {
      key: 'clauseTextZh',
      path: 'clauses[].textZh',
      type: 'text',
      zh: '条款正文（中文）',
      en: 'Clause text (Chinese)',
      example: '买方可在发货前书面终止订单。',
    },
    {
      key: 'clauseTextEn',
      path: 'clauses[].textEn',
      type: 'text',
      zh: '条款正文（英文）',
      en: 'Clause text (English)',
      example: 'The buyer may terminate an order in writing before shipment.',
    },
  ],
  { childField: 'clauses', childOptional: true },
);
