/**
 * What a blocker or warning of a termination's impact says, by code, in each language. The
 * server's English `message` stays the fallback for codes this catalogue does not know (a newer
 * server than the client). `{subject}` is the line, purchase order or shipment concerned.
 * One catalogue for the SPA's impact lists and the server's notifications.
 */
export const IMPACT_ISSUE_TEXTS: Readonly<Record<string, { readonly 'zh-CN': string; readonly en: string }>> = {
  ORDER_TERMINATED: { 'zh-CN': '订单已经终止。', en: 'The order is already terminated.' },
  ORDER_FULLY_SHIPPED: {
    'zh-CN': '所有订单行都已发货或终止，没有可终止的数量。',
    en: 'Every line is shipped or terminated; nothing is left to terminate.',
  },
  REASON_INACTIVE: { 'zh-CN': '此终止原因已停用。', en: 'This reason is no longer in use.' },
  TERMINATION_ACTIVE: { 'zh-CN': '此订单已有进行中的终止申请 {subject}。', en: 'Termination {subject} is already running for this order.' },
  NO_LINES: { 'zh-CN': '请至少选择一个订单行。', en: 'Choose at least one line.' },
  LINE_NOT_IN_ORDER: { 'zh-CN': '订单行 {subject} 不属于此订单。', en: 'Line {subject} is not a line of this order.' },
  DUPLICATE_LINE: { 'zh-CN': '第 {subject} 行重复。', en: 'Line {subject} is listed twice.' },
  QUANTITY_INVALID: {
    'zh-CN': '第 {subject} 行：数量须为不小于 1 的整数。',
    en: 'Line {subject}: the quantity must be a whole number of at least 1.',
  },
  QUANTITY_ABOVE_OPEN: { 'zh-CN': '第 {subject} 行：终止数量超过未结数量。', en: 'Line {subject}: more than the open quantity.' },
  PO_RECEIVED: { 'zh-CN': '{subject}：货物已入库，将留在库存中。', en: '{subject}: the goods were received already; they stay in stock.' },
  PO_PARTIALLY_RECEIVED: {
    'zh-CN': '{subject}：已部分收货，只能取消未结数量。',
    en: '{subject}: partly received; only the open quantity can be cancelled.',
  },
  SHARED_PURCHASE_ORDER: {
    'zh-CN': '{subject} 同时为其他订单采购，将减量而不是整单取消。',
    en: '{subject} also buys for other orders; it is reduced, not cancelled.',
  },
  FEE_NOT_CHARGED: {
    'zh-CN': '不收取违约金：终止并非因买方原因，合同仅在因买方原因终止时收取违约金。',
    en: 'No cancellation fee: the buyer does not cause this termination, and the contract charges the fee only when the buyer does.',
  },
  FEE_ADJUSTED: { 'zh-CN': '财务已调整违约金（见财务部分）。', en: 'Finance adjusted the cancellation fee (see Finance).' },
  FEE_ADJUSTMENT_CAPPED: {
    'zh-CN': '调整后的违约金高于合同现允许的上限，按上限收取。',
    en: 'The adjusted fee is above what the contract now allows; the contract maximum is charged.',
  },
  SHIPMENT_IN_TRANSIT: {
    'zh-CN': '发货单 {subject} 已在途，本次终止无法召回。',
    en: 'Shipment {subject} is on its way; this termination cannot recall it.',
  },
  SUPPLIER_PENALTY: {
    'zh-CN': '供应商将收取取消违约金（见采购部分）。',
    en: 'Suppliers will charge cancellation penalties (see Purchasing).',
  },
  EXCHANGE_RATE_MISSING: {
    'zh-CN': '没有 {subject} 折算为本位币的汇率，无法与审批金额阈值比较，因此需总经办审批（系统管理 → 汇率）。',
    en: 'No exchange rate from {subject} into the base currency is on record: the amount cannot be compared with the approval thresholds, so management approval is required (Administration → Exchange rates).',
  },
  WITHIN_NOTICE_PERIOD: { 'zh-CN': '交货日期已在合同约定的通知期内。', en: "Delivery is due inside the contract's notice period." },
};

export interface ImpactIssueLike {
  code: string;
  message: string;
  subject?: string | null;
}

/**
 * The issue in `language` ('zh-CN' or 'en'); the server's English message for an unknown code.
 * Blockers stored before they kept their subject have none: English then falls back to the stored
 * message (written with the subject in it); Chinese drops the placeholder and the gap around it.
 */
export function impactIssueText(issue: ImpactIssueLike, language: string): string {
  const texts = IMPACT_ISSUE_TEXTS[issue.code];
  if (!texts) return issue.message;
  const text = language === 'en' ? texts.en : texts['zh-CN'];
  if (issue.subject) return text.replaceAll('{subject}', issue.subject);
  if (!text.includes('{subject}')) return text;
  if (language === 'en') return issue.message;
  return withoutSubject(text);
}

/** A Chinese text with its `{subject}` left out: "第 {subject} 行" becomes "该行", the spaces around the placeholder and a leading colon go. */
function withoutSubject(text: string): string {
  return text
    .replace(/第\s*\{subject\}\s*行/g, '该行')
    .replace(/\s*\{subject\}\s*/g, '')
    .replace(/^[：:]/, '');
}
