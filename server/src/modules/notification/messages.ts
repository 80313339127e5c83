/**
 * The one catalogue of server-made texts (notifications, follow-up instructions): stored as a
 * key with parameters and rendered in the READER's language when read, so that nobody sees
 * "已批准 approved" mixes. Money, departments and enum values are rendered by label per language.
 */

import { impactIssueText, isUnitCode, unitCode, type ImpactIssueLike, type UnitCode } from '@ot/shared';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

export function asLanguage(value: string | null | undefined): Language {
  return value === 'en' ? 'en' : DEFAULT_LANGUAGE;
}

/** A message as stored: its key and JSON parameters. */
export interface Message {
  key: string;
  params?: Params;
}
export type Params = Record<string, unknown>;

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "¥149,500.00" in Chinese, "CNY 149,500.00" in English; the decimal string is formatted exactly. */
export function formatMoney(amount: string | number, currency: string, lang: Language): string {
  const key = `${lang}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, { style: 'currency', currency, currencyDisplay: lang === 'en' ? 'code' : 'symbol' });
    moneyFormats.set(key, format);
  }
  // NumberFormat v3 formats a decimal string without going through a float; it uses a no-break space.
  return format.format(String(amount) as unknown as number).replace(/\u00a0/g, ' ');
}

const DEPARTMENTS: Record<string, Record<Language, string>> = {
  SALES: { 'zh-CN': '销售部', en: 'Sales' },
  PURCHASING: { 'zh-CN': '采购部', en: 'Purchasing' },
  WAREHOUSE: { 'zh-CN': '仓储部', en: 'Warehouse' },
  FINANCE: { 'zh-CN': '财务部', en: 'Finance' },
  MANAGEMENT: { 'zh-CN': '总经办', en: 'Management' },
  CUSTOMER_SERVICE: { 'zh-CN': '客服部', en: 'Customer service' },
};

const RESOLUTIONS: Record<string, Record<Language, string>> = {
  REFUND: { 'zh-CN': '退款', en: 'refund' },
  REPLACEMENT: { 'zh-CN': '换货', en: 'replacement' },
  RESCHEDULE: { 'zh-CN': '改期交货', en: 'later delivery' },
  CREDIT_NOTE: { 'zh-CN': '贷项通知单', en: 'credit note' },
};

/** A department's name in one language (its code when unknown). */
export function departmentLabel(code: string, lang: Language): string {
  return DEPARTMENTS[code]?.[lang] ?? code;
}

/** Unit codes (@ot/shared units.ts) in each language, as the client's locales write them. */
const UNITS: Record<UnitCode, Record<Language, string>> = {
  PCS: { 'zh-CN': '个', en: 'pcs' },
  ITEM: { 'zh-CN': '件', en: 'pcs' },
  UNIT: { 'zh-CN': '台', en: 'units' },
  SET: { 'zh-CN': '套', en: 'sets' },
};

/** A unit's label in one language; a unit we have no code for as the ERP sent it. */
export function unitLabel(unit: string, lang: Language): string {
  const code = unitCode(unit);
  return isUnitCode(code) ? UNITS[code][lang] : unit;
}

/** What a renderer may use: the language and the label helpers. */
export interface Formatter {
  lang: Language;
  money(amount: unknown, currency: unknown): string;
  dept(code: unknown): string;
  depts(codes: unknown): string;
  resolution(value: unknown): string;
  /** An ISO time as the reader's locale writes it, in China Standard Time. */
  time(iso: unknown): string;
  /** Nested messages (e.g. a task's instruction lines), one per line. */
  lines(messages: unknown): string;
  /** A value people entered or an ERP sent (names, comments): data, not a text of ours. */
  data(value: unknown): string;
}

// Around data while rendering into parts; taken out of the data itself first.
const DATA_START = '\u0001';
const DATA_END = '\u0002';

function formatter(lang: Language, marked = false): Formatter {
  const f: Formatter = {
    lang,
    data: (value) => {
      const text = String(value ?? '');
      return marked && text ? `${DATA_START}${text.replaceAll(DATA_START, '').replaceAll(DATA_END, '')}${DATA_END}` : text;
    },
    money: (amount, currency) => formatMoney(String(amount ?? '0'), String(currency ?? 'CNY'), lang),
    dept: (code) => departmentLabel(String(code), lang),
    depts: (codes) => (Array.isArray(codes) ? codes.map((c) => f.dept(c)).join(lang === 'en' ? ', ' : '、') : ''),
    resolution: (value) => RESOLUTIONS[String(value)]?.[lang] ?? String(value),
    time: (iso) =>
      new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(String(iso))),
    lines: (messages) => (Array.isArray(messages) ? (messages as Message[]).map((m) => render(m, f)).join('\n') : ''),
  };
  return f;
}

type Render = (p: Params, f: Formatter) => string;
type Texts = Record<Language, Render>;

/** " (代 王建国)" / " (deputy for 王建国)" when a deputy decided. */
const deputy = (p: Params, f: Formatter) =>
  p.onBehalfOf ? (f.lang === 'en' ? ` (deputy for ${f.data(p.onBehalfOf)})` : `（代 ${f.data(p.onBehalfOf)}）`) : '';
const blockers = (value: unknown, f: Formatter) =>
  Array.isArray(value)
    ? (value as ImpactIssueLike[]).map((b) => impactIssueText(b, f.lang)).join(f.lang === 'en' ? ' ' : '')
    : String(value ?? '');
const comment = (p: Params, f: Formatter) => (p.comment ? `: ${f.data(p.comment)}` : '');

/** Single-line texts: follow-up instruction lines and notification bodies. */
const TEXTS: Record<string, Texts> = {
  // A free text kept as it was written (older tasks, texts of other modules).
  text: { 'zh-CN': (p) => String(p.text ?? ''), en: (p) => String(p.text ?? '') },
  // Follow-up instruction lines (see follow-up-plan.ts).
  'followUp.po': {
    'zh-CN': (p, f) =>
      `${p.number}（${f.data(p.supplier)}）：${p.action === 'CANCEL' ? '整单取消' : '减量'} ${p.lines}${p.penalty ? `；违约金 ${f.money(p.penalty, p.currency)}` : ''}`,
    en: (p, f) =>
      `${p.number} (${f.data(p.supplier)}): ${p.action === 'CANCEL' ? 'cancel in full' : 'reduce'} ${p.lines}${p.penalty ? `; penalty ${f.money(p.penalty, p.currency)}` : ''}`,
  },
  'followUp.release': {
    'zh-CN': (p, f) => `${f.data(p.warehouse)} ${p.sku}：释放预留 ${p.quantity}`,
    en: (p, f) => `${f.data(p.warehouse)} ${p.sku}: release the reservation of ${p.quantity}`,
  },
  'followUp.inTransit': {
    'zh-CN': (p, f) => `${p.shipment} ${p.sku} ×${p.quantity} 在途（${f.data(p.carrier)}）：安排退回`,
    en: (p, f) => `${p.shipment} ${p.sku} ×${p.quantity} in transit (${f.data(p.carrier)}): arrange the return`,
  },
  'followUp.refund': {
    'zh-CN': (p, f) => `向客户退款 ${f.money(p.amount, p.currency)}`,
    en: (p, f) => `Refund ${f.money(p.amount, p.currency)} to the customer`,
  },
  'followUp.invoiceFee': {
    'zh-CN': (p, f) => `开具违约金发票 ${f.money(p.amount, p.currency)}（客户应付，无退款）`,
    en: (p, f) => `Invoice the cancellation fee of ${f.money(p.amount, p.currency)} (the customer owes it; no refund)`,
  },
  'followUp.feeNetted': {
    'zh-CN': (p, f) => `违约金 ${f.money(p.amount, p.currency)} 已从客户付款中抵扣`,
    en: (p, f) => `The fee of ${f.money(p.amount, p.currency)} is netted from the customer's payment`,
  },
  'followUp.reconcile': {
    'zh-CN': (p, f) => `核对已开票 ${f.money(p.invoiced, p.currency)} / 已收款 ${f.money(p.paid, p.currency)}，双方无款项往来`,
    en: (p, f) => `Reconcile invoiced ${f.money(p.invoiced, p.currency)} / paid ${f.money(p.paid, p.currency)}; nothing is owed either way`,
  },
  'followUp.collectFee': {
    'zh-CN': (p, f) => `收取客户应付的违约金 ${f.money(p.amount, p.currency)}，收到后完成本任务`,
    en: (p, f) =>
      `Collect the cancellation fee of ${f.money(p.amount, p.currency)} the customer owes; complete this task once it is received`,
  },
  'followUp.outcome': {
    'zh-CN': (p, f) => `记录与客户协商的结果${p.preferred ? `（客户倾向：${f.resolution(p.preferred)}）` : ''}`,
    en: (p, f) =>
      `Record the outcome agreed with the customer${p.preferred ? ` (the customer prefers: ${f.resolution(p.preferred)})` : ''}`,
  },
  'followUp.customerRecord': {
    'zh-CN': () => '更新客户档案（终止记录、信用、后续计划）',
    en: () => 'Update the customer record (termination history, credit, next steps)',
  },
};

/** Notifications: a title and a body per key (the notification's kind). */
const NOTICES: Record<string, { title: Texts; body: Texts }> = {
  APPROVAL_DUE: {
    title: { 'zh-CN': (p) => `${p.number} 待您审批`, en: (p) => `${p.number} awaits your approval` },
    body: {
      'zh-CN': (p, f) => `${p.order} · ${f.money(p.value, p.currency)}`,
      en: (p, f) => `${p.order} · ${f.money(p.value, p.currency)}`,
    },
  },
  STEP_APPROVED: {
    title: {
      'zh-CN': (p, f) => `${p.number} ${f.dept(p.department)}已批准`,
      en: (p, f) => `${p.number}: ${f.dept(p.department)} approved`,
    },
    body: {
      'zh-CN': (p, f) => `${f.data(p.actor)}${deputy(p, f)}${comment(p, f)}`,
      en: (p, f) => `${f.data(p.actor)}${deputy(p, f)}${comment(p, f)}`,
    },
  },
  STEP_REJECTED: {
    title: {
      'zh-CN': (p, f) => `${p.number} ${f.dept(p.department)}已驳回`,
      en: (p, f) => `${p.number}: ${f.dept(p.department)} rejected`,
    },
    body: {
      'zh-CN': (p, f) => `${f.data(p.actor)}${deputy(p, f)}${comment(p, f)}`,
      en: (p, f) => `${f.data(p.actor)}${deputy(p, f)}${comment(p, f)}`,
    },
  },
  APPROVAL_OVERDUE: {
    title: {
      'zh-CN': (p, f) => `${p.number} ${f.dept(p.department)}审批已超时`,
      en: (p, f) => `${p.number}: ${f.dept(p.department)} approval overdue`,
    },
    body: { 'zh-CN': (p, f) => `截止 ${f.time(p.dueAt)}`, en: (p, f) => `Due ${f.time(p.dueAt)}` },
  },
  EFFECT_BLOCKED: {
    title: { 'zh-CN': (p) => `${p.number} 无法生效`, en: (p) => `${p.number} could not take effect` },
    // Each blocker in the reader's language; rows from before kept the English messages joined.
    body: { 'zh-CN': (p, f) => blockers(p.blockers, f), en: (p, f) => blockers(p.blockers, f) },
  },
  TERMINATION_EFFECTIVE: {
    title: { 'zh-CN': (p) => `${p.number} 已生效`, en: (p) => `${p.number} is effective` },
    body: {
      'zh-CN': (p, f) => `${p.order} · ${f.money(p.value, p.currency)} · ${f.depts(p.departments)}`,
      en: (p, f) => `${p.order} · ${f.money(p.value, p.currency)} · ${f.depts(p.departments)}`,
    },
  },
  FOLLOW_UP_CREATED: {
    title: {
      'zh-CN': (p, f) => `${p.number} 已生效，请${f.dept(p.department)}跟进`,
      en: (p, f) => `${p.number} is effective: follow-up for ${f.dept(p.department)}`,
    },
    body: { 'zh-CN': (p, f) => f.lines(p.instructions), en: (p, f) => f.lines(p.instructions) },
  },
  FOLLOW_UP_OVERDUE: {
    title: { 'zh-CN': (p) => `${p.number} 跟进任务已超时`, en: (p) => `${p.number}: follow-up overdue` },
    body: { 'zh-CN': (p, f) => f.lines(p.instructions), en: (p, f) => f.lines(p.instructions) },
  },
  FOLLOW_UP_ASSIGNED: {
    title: { 'zh-CN': (p) => `${p.number} 跟进任务已分配给您`, en: (p) => `${p.number}: a follow-up task is yours` },
    body: {
      'zh-CN': (p, f) => `${f.data(p.actor)}：${f.lines(p.instructions)}`,
      en: (p, f) => `${f.data(p.actor)}: ${f.lines(p.instructions)}`,
    },
  },
  CUSTOMER_ACCEPTED: {
    title: { 'zh-CN': (p) => `${p.number} 客户已确认`, en: (p) => `${p.number}: the customer accepted` },
    body: { 'zh-CN': (p, f) => f.data(p.note), en: (p, f) => f.data(p.note) },
  },
  CUSTOMER_DECLINED: {
    title: { 'zh-CN': (p) => `${p.number} 客户已拒绝`, en: (p) => `${p.number}: the customer declined` },
    body: { 'zh-CN': (p, f) => f.data(p.note), en: (p, f) => f.data(p.note) },
  },
  CONFIRMATION_EXPIRED: {
    title: { 'zh-CN': (p) => `${p.number} 客户确认链接已过期`, en: (p) => `${p.number}: the customer's link expired` },
    body: { 'zh-CN': () => '请重新发送链接或撤回终止申请。', en: () => 'Resend the link or withdraw the termination.' },
  },
  CUSTOMER_SILENT_REFUSAL: {
    title: {
      'zh-CN': (p) => `${p.number} 客户逾期未答复，按合同视为拒绝`,
      en: (p) => `${p.number}: no reply by the deadline counts as refusal`,
    },
    body: {
      'zh-CN': (p) => `截至 ${p.deadlineZh} 未收到答复；合同 ${p.contract} 约定逾期未答复视为拒绝。`,
      en: (p) => `No reply by ${p.deadlineEn}; contract ${p.contract} treats silence as refusal.`,
    },
  },
  CUSTOMER_SILENT_ACCEPTANCE: {
    title: {
      'zh-CN': (p) => `${p.number} 客户逾期未答复，按合同视为同意`,
      en: (p) => `${p.number}: no reply by the deadline counts as acceptance`,
    },
    body: {
      'zh-CN': (p) => `截至 ${p.deadlineZh} 未收到答复；合同 ${p.contract} 约定逾期未答复视为同意。`,
      en: (p) => `No reply by ${p.deadlineEn}; contract ${p.contract} treats silence as acceptance.`,
    },
  },
  TERMINATION_CHANGED_BY_SYNC: {
    title: {
      'zh-CN': (p) => `${p.number}：订单 ${p.order} 已由 ERP 同步（${p.source}）更改`,
      en: (p) => `${p.number}: order ${p.order} changed by ERP sync (${p.source})`,
    },
    // The change list is described per language where it is computed (termination-watch.ts).
    body: { 'zh-CN': (p) => String(p.zh ?? ''), en: (p) => String(p.en ?? '') },
  },
  MENTIONED: {
    title: {
      'zh-CN': (p, f) => `${p.number} ${f.data(p.actor)} 在评论中提到了您`,
      en: (p, f) => `${p.number}: ${f.data(p.actor)} mentioned you`,
    },
    body: { 'zh-CN': (p, f) => f.data(p.excerpt), en: (p, f) => f.data(p.excerpt) },
  },
  WEBHOOK_DISABLED: {
    title: { 'zh-CN': (p) => `Webhook 已停用：${p.host}`, en: (p) => `Webhook disabled: ${p.host}` },
    body: { 'zh-CN': (p) => `${p.reason} ${p.url}`, en: (p) => `${p.reason} ${p.url}` },
  },
};

export type NoticeKey = keyof typeof NOTICES;

export function isNoticeKey(key: string): key is NoticeKey {
  return Object.hasOwn(NOTICES, key);
}

function render(message: Message, f: Formatter): string {
  const texts = TEXTS[message.key];
  return texts ? texts[f.lang](message.params ?? {}, f) : message.key;
}

/** One line in the reader's language; an unknown key shows as itself (never an empty text). */
export function renderText(message: Message, lang: Language): string {
  return render(message, formatter(lang));
}

/** Several lines (a task's instructions). */
export function renderLines(messages: readonly Message[], lang: Language): string {
  return messages.map((m) => renderText(m, lang)).join('\n');
}

/** A notification's title and body in the reader's language. */
export function renderNotice(key: string, params: Params | null | undefined, lang: Language): { title: string; body: string } {
  return noticeWith(key, params, formatter(lang));
}

function noticeWith(key: string, params: Params | null | undefined, f: Formatter): { title: string; body: string } {
  const notice = NOTICES[key];
  if (!notice) return { title: key, body: '' };
  return { title: notice.title[f.lang](params ?? {}, f), body: notice.body[f.lang](params ?? {}, f) };
}

/**
 * A rendered text in parts that alternate: ours at even positions, data (a name, a comment) at odd
 * ones, which the SPA marks as such. A list of strings keeps the query cost of a plain field.
 */
export type TextParts = string[];

function parts(marked: string): TextParts {
  return marked.replaceAll(DATA_END, DATA_START).split(DATA_START);
}

/** A text of ours kept as it was stored (rows from before message keys): one part, not data. */
export function storedParts(text: string): TextParts {
  return [text];
}

/** Like renderLines, in parts. */
export function renderLineParts(messages: readonly Message[], lang: Language): TextParts {
  const f = formatter(lang, true);
  return parts(messages.map((m) => render(m, f)).join('\n'));
}

/** Like renderNotice, in parts. */
export function renderNoticeParts(key: string, params: Params | null | undefined, lang: Language): { title: TextParts; body: TextParts } {
  const notice = noticeWith(key, params, formatter(lang, true));
  return { title: parts(notice.title), body: parts(notice.body) };
}
