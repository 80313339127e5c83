import type { ImEventType } from '@ot/shared';
import type { FeedEvent } from '../../events/event-feed.js';

/**
 * What an IM channel says about an event, before any vendor's format: a plain title, lines of
 * markdown (data made inert, see `inert`), and the SPA page it links to. Chinese first (the robots
 * serve Chinese teams), one English line last for colleagues who read English.
 */
export interface ImMessage {
  /** Plain text: the card header, DingTalk's conversation-list title, the notification preview. */
  title: string;
  /** Markdown lines, using only bold and plain text so every vendor's subset renders them. */
  lines: string[];
  link: string;
  linkLabel: string;
  tone: 'info' | 'success' | 'warning' | 'danger';
}

/** What a vendor's module makes of a message: the request its group robot expects (here, not in im-request, so vendors do not import their caller). */
export interface ImHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The part of a feed event an IM message needs (any type name: those not announced give no message). */
export type ImEvent = Pick<FeedEvent, 'occurredAt' | 'actorType' | 'actorName' | 'terminationNumber' | 'data'> & { type: string };

/** Department codes as the robots' readers know them (the defaults the database is seeded with). */
const DEPARTMENTS: Record<string, [zh: string, en: string]> = {
  SALES: ['销售部', 'Sales'],
  PURCHASING: ['采购部', 'Purchasing'],
  WAREHOUSE: ['仓储部', 'Warehouse'],
  FINANCE: ['财务部', 'Finance'],
  MANAGEMENT: ['总经办', 'Management'],
  CUSTOMER_SERVICE: ['客服部', 'Customer service'],
};

const FOLLOW_UP_KINDS: Record<string, [zh: string, en: string]> = {
  SUPPLIER_CANCELLATION: ['确认供应商取消', 'confirm the supplier cancellation'],
  STOCK_CONFIRMATION: ['确认库存', 'confirm the stock'],
  SETTLEMENT: ['完成结算', 'complete the settlement'],
  CUSTOMER_OUTCOME: ['记录客户协商结果', 'record the customer outcome'],
  CUSTOMER_RECORD: ['更新客户档案', 'update the customer record'],
  FEE_COLLECTION: ['收取违约金', 'collect the cancellation fee'],
};

/**
 * Characters that are syntax in some vendor's markdown (WeCom's and DingTalk's subsets, Feishu's
 * lark_md) or HTML (WeCom's <font>, Feishu's <at>), replaced by their full-width forms. None of
 * the three documents one escape mechanism that the others honour (a backslash shows up literally
 * in some), while the full-width forms read the same to a Chinese reader and are never syntax.
 */
const INERT: Record<string, string> = {
  '\\': '＼',
  '*': '＊',
  _: '＿',
  '`': '｀',
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '#': '＃',
  '~': '～',
  '|': '｜',
  '&': '＆',
};

/** Data (names, comments, codes) made safe to place inside markdown: no markup, one line, bounded length. */
export function inert(value: unknown, max = 200): string {
  const text = String(value ?? '')
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[\\*_`[\]<>#~|&]/g, (c) => INERT[c]!)
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function department(code: unknown): [zh: string, en: string] {
  const known = typeof code === 'string' ? DEPARTMENTS[code] : undefined;
  return known ?? [inert(code, 40), inert(code, 40)];
}

function departments(codes: unknown): [zh: string, en: string] {
  const list = Array.isArray(codes) ? codes.map(department) : [];
  return [list.map((d) => d[0]).join('、'), list.map((d) => d[1]).join(', ')];
}

/** The departments of the route's first stage (`stage:DEPARTMENT` entries): their approval opens with the submission. */
function firstStage(route: unknown): string[] {
  const entries = (Array.isArray(route) ? route : [])
    .filter((e): e is string => typeof e === 'string' && e.includes(':'))
    .map((e) => [Number(e.slice(0, e.indexOf(':'))), e.slice(e.indexOf(':') + 1)] as const);
  if (!entries.length) return [];
  const first = Math.min(...entries.map(([stage]) => stage));
  return entries.filter(([stage]) => stage === first).map(([, dept]) => dept);
}

const awaitingZh = (zh: string) => (zh ? `等待 **${zh}** 审批` : '等待审批');
const awaitingEn = (en: string) => (en ? `awaits approval by ${en}` : 'awaits approval');

/**
 * What the effect did, from the `effect` the effective event carries (the effect_applied data):
 * purchase orders cancelled or reduced, reservations released, the follow-up tasks now open.
 */
function applied(effect: unknown): string[] {
  const data = effect && typeof effect === 'object' ? (effect as Record<string, unknown>) : {};
  const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  const orders = list(data.purchaseOrders).map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>).action : null));
  const cancelled = orders.filter((a) => a === 'CANCEL').length;
  const reduced = orders.filter((a) => a === 'REDUCE').length;
  const released = list(data.reservationsReleased).length;
  const tasks = list(data.tasks).map((kind) => (typeof kind === 'string' && FOLLOW_UP_KINDS[kind]?.[0]) || inert(kind, 40));
  const lines: string[] = [];
  if (cancelled || reduced) {
    lines.push(`采购单：${[cancelled ? `整单取消 ${cancelled} 张` : '', reduced ? `减量 ${reduced} 张` : ''].filter(Boolean).join('，')}`);
  }
  if (released) lines.push(`释放库存预留 ${released} 项`);
  if (tasks.length) lines.push(`跟进任务：${tasks.join('、')}`);
  return lines;
}

/** Business time is China Standard Time (UTC+8 all year, no daylight saving). */
function beijingTime(iso: unknown): string {
  const at = new Date(typeof iso === 'string' ? iso : NaN);
  if (Number.isNaN(at.getTime())) return inert(iso, 40);
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}（北京时间）`;
}

/** "（by 张三）" when a person or key acted; nothing for the system. */
function byActor(e: ImEvent): string {
  return e.actorType === 'SYSTEM' || !e.actorName ? '' : `（${inert(e.actorName, 60)}）`;
}

function comment(data: Record<string, unknown>): string[] {
  return typeof data.comment === 'string' && data.comment.trim() ? [`意见：${inert(data.comment)}`] : [];
}

/** Who a comment mentions: "@财务部、@陈静" and "@Finance, @陈静"; empty strings when nobody. */
function mentioned(mentions: unknown): [zh: string, en: string] {
  const m = mentions && typeof mentions === 'object' ? (mentions as Record<string, unknown>) : {};
  const users = (Array.isArray(m.users) ? (m.users as unknown[]) : [])
    .map((u) => (u && typeof u === 'object' ? inert((u as Record<string, unknown>).name, 60) : ''))
    .filter(Boolean);
  const depts = (Array.isArray(m.departments) ? (m.departments as unknown[]) : []).map(department);
  return [
    [...depts.map((d) => `@${d[0]}`), ...users.map((u) => `@${u}`)].join('、'),
    [...depts.map((d) => `@${d[1]}`), ...users.map((u) => `@${u}`)].join(', '),
  ];
}

/** "已转交代理人 张三" when the overdue step was escalated to the deputies standing in. */
function deputyLine(escalatedTo: unknown): string[] {
  const names = (Array.isArray(escalatedTo) ? (escalatedTo as unknown[]) : [])
    .map((d) => (d && typeof d === 'object' ? inert((d as Record<string, unknown>).name, 60) : ''))
    .filter(Boolean);
  return names.length ? [`已转交代理人 **${names.join('、')}**（Escalated to the deputy）`] : [];
}

/** The page of a termination in the SPA (client/src/app/router.ts: `terminations/:number`). */
export function terminationUrl(appUrl: string, number: string): string {
  return `${appUrl.replace(/\/+$/, '')}/terminations/${encodeURIComponent(number)}`;
}

type Compose = (e: ImEvent, no: string) => Omit<ImMessage, 'link' | 'linkLabel'>;

/** What each announced event says. The keys are the event types IM channels announce. */
export const COMPOSERS = {
  // Approvals due: the first stage opens with the submission, later ones when the previous stage is approved.
  'termination.submitted': (e, no) => {
    const [zh, en] = departments(firstStage(e.data.route));
    return {
      title: `待审批：终止申请 ${no}`,
      tone: 'info',
      lines: [
        `终止申请 **${no}** 已提交${byActor(e)}，${awaitingZh(zh)}。`,
        ...(e.data.order ? [`订单：${inert(e.data.order, 60)}`] : []),
        `Termination ${no} ${awaitingEn(en)}.`,
      ],
    };
  },
  'approval.stage_activated': (e, no) => {
    const [zh, en] = departments(e.data.departments);
    const stage = inert(e.data.stage, 10);
    return {
      title: `待审批：终止申请 ${no}（第 ${stage} 阶段）`,
      tone: 'info',
      lines: [`终止申请 **${no}** 进入第 ${stage} 阶段审批，${awaitingZh(zh)}。`, `Stage ${stage} of termination ${no} ${awaitingEn(en)}.`],
    };
  },
  // Decisions.
  'approval.approved': (e, no) => {
    const [zh, en] = department(e.data.department);
    return {
      title: `已批准：终止申请 ${no}`,
      tone: 'success',
      lines: [`**${zh}** 已批准终止申请 **${no}**${byActor(e)}。`, ...comment(e.data), `${en} approved termination ${no}.`],
    };
  },
  'approval.rejected': (e, no) => {
    const [zh, en] = department(e.data.department);
    return {
      title: `已驳回：终止申请 ${no}`,
      tone: 'danger',
      lines: [`**${zh}** 驳回了终止申请 **${no}**${byActor(e)}，订单恢复原状态。`, ...comment(e.data), `${en} rejected termination ${no}.`],
    };
  },
  // SLA breaches.
  'approval.overdue': (e, no) => {
    const [zh, en] = department(e.data.department);
    return {
      title: `审批超时：终止申请 ${no}`,
      tone: 'warning',
      lines: [
        `**${zh}** 对终止申请 **${no}** 的审批已超过时限（截止 ${beijingTime(e.data.dueAt)}），请尽快处理。`,
        ...deputyLine(e.data.escalatedTo),
        `The ${en} approval of termination ${no} is overdue.`,
      ],
    };
  },
  'followup.overdue': (e, no) => {
    const [zh, en] = department(e.data.department);
    const kind = (typeof e.data.kind === 'string' && FOLLOW_UP_KINDS[e.data.kind]) || [inert(e.data.kind, 40), inert(e.data.kind, 40)];
    return {
      title: `跟进超时：终止申请 ${no}`,
      tone: 'warning',
      lines: [
        `终止申请 **${no}** 的跟进任务「${kind[0]}」（**${zh}**）已超过时限，请尽快处理。`,
        `${en}: the follow-up task to ${kind[1]} for termination ${no} is overdue.`,
      ],
    };
  },
  // Comments, for groups that chose them: who is mentioned comes first (a department's group hears "@财务部").
  'termination.comment_added': (e, no) => {
    const [zh, en] = mentioned(e.data.mentions);
    return {
      title: zh ? `提及：终止申请 ${no}` : `评论：终止申请 ${no}`,
      tone: 'info',
      lines: [
        `终止申请 **${no}** 有新评论${byActor(e)}${zh ? `，提及 **${zh}**` : ''}：`,
        inert(e.data.body, 400),
        `New comment on termination ${no}${en ? ` mentioning ${en}` : ''}.`,
      ],
    };
  },
  // Effect.
  'termination.effective': (e, no) => ({
    title: `已生效：终止申请 ${no}`,
    tone: 'success',
    lines: [
      `终止申请 **${no}** 已生效${e.data.event === 'CUSTOMER_ACCEPT' ? '（客户已确认）' : ''}：订单、采购单与库存变更已执行。`,
      ...applied(e.data.effect),
      `Termination ${no} took effect; follow-up tasks are open.`,
    ],
  }),
} satisfies Record<ImEventType, Compose>;

/** The message for an event, or null when IM channels do not announce its type (or it concerns no termination). */
export function imMessage(e: ImEvent, appUrl: string): ImMessage | null {
  const compose = (COMPOSERS as Record<string, Compose>)[e.type];
  if (!compose || !e.terminationNumber) return null;
  const no = inert(e.terminationNumber, 60);
  return { ...compose(e, no), link: terminationUrl(appUrl, e.terminationNumber), linkLabel: '查看终止申请 Open' };
}

/** The message of an endpoint's "send test" button. */
export function imTestMessage(appUrl: string, now: Date): ImMessage {
  return {
    title: '测试消息：订单终止系统',
    tone: 'info',
    lines: [
      `这是一条测试消息（${beijingTime(now.toISOString())}）：机器人已接入，终止申请的待审批、审批结果、超时和生效将发送到本群。`,
      'Test message: this robot now receives approvals due, decisions, overdue approvals and tasks, and effect.',
    ],
    link: `${appUrl.replace(/\/+$/, '')}/terminations`,
    linkLabel: '打开系统 Open',
  };
}
