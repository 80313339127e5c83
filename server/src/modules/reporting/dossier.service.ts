import type { EntityManager } from '@mikro-orm/postgresql';
import { ApprovalStep } from '../approval/approval-step.entity.js';
import { AuditEvent } from '../../kernel/audit-event.entity.js';
import { CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import { customerNoticesOf } from '../notification/customer-notice.js';
import { supplierNoticesOf } from '../purchasing/supplier-notices.js';
import { escapeHtml } from '../../common/html.js';
import { dossierAttachmentsHtml, dossierAttachmentsOf, type DossierAttachment } from '../attachment/attachment-dossier.js';
import { Settlement } from '../settlement/settlement.entity.js';
import { Termination, type AppliedPurchaseOrderChangeRecord, type FeeAdjustment } from '../termination/termination.entity.js';
import { RECORD_READER, staffView } from '../identity/staff-privacy.js';
import type { User } from '../identity/user.entity.js';

/** The dossier is a record for anyone with read access: staff appear as every reader may see them (by name). */
const staff = (user: User) => staffView(RECORD_READER, user).name;

/** Everything on record about one termination, as plain data (数据记录存档). */
export interface Dossier {
  generatedAt: string;
  termination: {
    number: string;
    status: string;
    scope: string;
    reason: { code: string; labelZh: string; labelEn: string };
    explanation: string;
    requestedBy: string;
    requestedAt: string;
    effectiveAt: string | null;
    closedAt: string | null;
    customerConfirmationRequired: boolean;
  };
  order: { number: string; customer: string; customerCode: string; currency: string; totalAmount: string };
  impact: Record<string, unknown>;
  approvals: {
    stage: number;
    department: string;
    status: string;
    decidedBy: string | null;
    decidedAt: string | null;
    comment: string | null;
    dueAt: string | null;
  }[];
  customerNotifications: {
    recipient: string;
    status: string;
    sentAt: string;
    expiresAt: string;
    deadlineDate: string | null;
    remindedAt: string | null;
    respondedAt: string | null;
    note: string | null;
    preferredResolution: string | null;
  }[];
  /** Every message to the customer: when queued, what kind, to whom, its Message-ID and delivery. */
  customerNotices: {
    kind: string;
    channel: string;
    recipient: string;
    subject: string;
    messageId: string;
    status: string;
    queuedAt: string;
    sentAt: string | null;
  }[];
  /** The cancellation notice of each PO to its supplier: by e-mail (Message-ID, delivery) or a phone task. */
  supplierNotices: {
    purchaseOrder: string;
    action: string;
    supplierCode: string;
    supplierName: string;
    channel: string;
    recipient: string | null;
    messageId: string | null;
    status: string | null;
    queuedAt: string;
    sentAt: string | null;
    lines: { sku: string; productName: string; before: number; cancelled: number; after: number }[];
  }[];
  settlement: Record<string, unknown> | null;
  followUps: {
    kind: string;
    department: string;
    status: string;
    dueAt: string;
    completedAt: string | null;
    completedBy: string | null;
    note: string | null;
    outcome: string | null;
    outcomeDetails: string | null;
  }[];
  negotiatedOutcome: { outcome: string | null; details: string | null } | null;
  /** Who causes it: the contract fee is charged only when BUYER. */
  fault: string;
  /** Finance's adjustment of the fee before the effect, if any. */
  feeAdjustment: FeeAdjustment | null;
  /** What the effect actually did to purchase orders. */
  appliedPurchaseOrderChanges: AppliedPurchaseOrderChangeRecord[];
  auditTrail: { at: string; actorType: string; actor: string; action: string; data: Record<string, unknown> }[];
  /** Files attached to it and its tasks, with their SHA-256. */
  attachments: DossierAttachment[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export class DossierService {
  constructor(private readonly site: { companyName: string; publicUrl: string }) {}

  /** The dossier's print view, headed by the company and a link to the record. */
  printView(d: Dossier): string {
    const recordUrl = `${this.site.publicUrl}/terminations/${encodeURIComponent(d.termination.number)}`;
    return dossierHtml(d, { companyName: this.site.companyName, recordUrl });
  }

  async build(em: EntityManager, where: { id?: string; number?: string }): Promise<Dossier | null> {
    const t = await em.findOne(Termination, where, { populate: ['reason', 'requestedBy', 'order.customer'] });
    if (!t) return null;
    const steps = await em.find(
      ApprovalStep,
      { termination: t },
      { populate: ['decidedBy'], orderBy: { stage: 'asc', department: 'asc', id: 'asc' } },
    );
    const confirmations = await em.find(CustomerConfirmation, { termination: t }, { orderBy: { sentAt: 'asc', id: 'asc' } });
    const settlement = await em.findOne(Settlement, { termination: t });
    const notices = await customerNoticesOf(em, t.id);
    const supplierNotices = await supplierNoticesOf(em, t.id);
    const tasks = await em.find(FollowUpTask, { termination: t }, { populate: ['completedBy'], orderBy: { dueAt: 'asc', id: 'asc' } });
    const audit = await em.find(AuditEvent, { terminationId: t.id }, { orderBy: { createdAt: 'asc', seq: 'asc' } });
    const attachments = await dossierAttachmentsOf(em, t.id);
    const outcomeTask = tasks.find((x) => x.kind === 'CUSTOMER_OUTCOME');
    return {
      generatedAt: new Date().toISOString(),
      termination: {
        number: t.number,
        status: t.status,
        scope: t.scope,
        reason: { code: t.reason.code, labelZh: t.reason.labelZh, labelEn: t.reason.labelEn },
        explanation: t.explanation,
        requestedBy: staff(t.requestedBy),
        requestedAt: t.createdAt.toISOString(),
        effectiveAt: iso(t.effectiveAt),
        closedAt: iso(t.closedAt),
        customerConfirmationRequired: t.customerConfirmationRequired,
      },
      order: {
        number: t.order.number,
        customer: t.order.customer.name,
        customerCode: t.order.customer.code,
        currency: t.order.currency,
        totalAmount: t.order.totalAmount,
      },
      impact: t.impact as unknown as Record<string, unknown>,
      approvals: steps.map((s) => ({
        stage: s.stage,
        department: s.department,
        status: s.status,
        decidedBy: s.decidedBy ? staff(s.decidedBy) : null,
        decidedAt: iso(s.decidedAt),
        comment: s.comment ?? null,
        dueAt: iso(s.dueAt),
      })),
      customerNotifications: confirmations.map((c) => ({
        recipient: c.recipient,
        status: c.status,
        sentAt: c.sentAt.toISOString(),
        expiresAt: c.expiresAt.toISOString(),
        deadlineDate: c.deadlineDate ?? null,
        remindedAt: iso(c.remindedAt),
        respondedAt: iso(c.respondedAt),
        note: c.note ?? null,
        preferredResolution: c.preferredResolution ?? null,
      })),
      customerNotices: notices.map((n) => ({
        kind: n.kind,
        channel: n.channel,
        recipient: n.recipient,
        subject: n.subject,
        messageId: n.messageId,
        status: n.status,
        queuedAt: n.queuedAt.toISOString(),
        sentAt: iso(n.sentAt),
      })),
      supplierNotices: supplierNotices.map((n) => ({
        purchaseOrder: n.purchaseOrderNumber,
        action: n.action,
        supplierCode: n.supplierCode,
        supplierName: n.supplierName,
        channel: n.channel,
        recipient: n.recipient,
        messageId: n.messageId,
        status: n.status,
        queuedAt: n.queuedAt.toISOString(),
        sentAt: iso(n.sentAt),
        lines: n.lines,
      })),
      settlement: settlement
        ? {
            kind: settlement.kind,
            status: settlement.status,
            currency: settlement.currency,
            terminatedValue: settlement.terminatedValue,
            amountPaid: settlement.amountPaid,
            cancellationFee: settlement.cancellationFee,
            refundDue: settlement.refundDue,
            feeOutstanding: settlement.feeOutstanding,
            completedAt: iso(settlement.completedAt),
          }
        : null,
      followUps: tasks.map((x) => ({
        kind: x.kind,
        department: x.department,
        status: x.status,
        dueAt: x.dueAt.toISOString(),
        completedAt: iso(x.completedAt),
        completedBy: x.completedBy ? staff(x.completedBy) : null,
        note: x.note ?? null,
        outcome: x.outcome ?? null,
        outcomeDetails: x.outcomeDetails ?? null,
      })),
      negotiatedOutcome: outcomeTask ? { outcome: outcomeTask.outcome ?? null, details: outcomeTask.outcomeDetails ?? null } : null,
      fault: t.fault,
      feeAdjustment: t.feeAdjustment ?? null,
      appliedPurchaseOrderChanges: t.appliedPurchaseOrderChanges ?? [],
      auditTrail: audit.map((a) => ({
        at: a.createdAt.toISOString(),
        actorType: a.actorType,
        actor: a.actorName,
        action: a.action,
        data: a.data,
      })),
      attachments,
    };
  }
}

/** Who prints the dossier and where its record lives: the head of every printed page. */
export interface DossierPrintSite {
  companyName: string;
  /** The termination's page in the app (under PUBLIC_URL). */
  recordUrl: string;
}

/**
 * The print view (also what the PDF is made from): every value escaped, no scripts, nothing
 * fetched. A4 with margins, the company and a link to the record at the head, table rows kept
 * whole across pages and their headers repeated, the long audit trail on pages of its own.
 */
export function dossierHtml(d: Dossier, site: DossierPrintSite): string {
  const e = (v: unknown) => escapeHtml(v === null || v === undefined ? '—' : String(v));
  const table = (headers: string[], rows: unknown[][]) =>
    `<table><thead><tr>${headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const t = d.termination;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>终止档案 ${e(t.number)}</title>
<style>@page{size:A4;margin:16mm 14mm 18mm}
body{font:13px/1.5 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:24px;color:#222}h1{font-size:20px;margin:8px 0}h2{font-size:15px;margin-top:20px;border-bottom:1px solid #ccc;break-after:avoid}
.doc-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px;border-bottom:2px solid #222;padding-bottom:6px}.company{font-weight:600;font-size:15px}.record{color:#222;font-size:12px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0}thead{display:table-header-group}tr{break-inside:avoid}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f5f5f5}
dl{display:grid;grid-template-columns:160px 1fr;gap:2px 12px;break-inside:avoid}dt{color:#666}@media print{body{margin:0}.audit{break-before:page}}</style></head><body>
<header class="doc-head"><span class="company">${e(site.companyName)}</span><a class="record" href="${e(site.recordUrl)}">${e(site.recordUrl)}</a></header>
<h1>订单终止档案 Termination dossier ${e(t.number)}</h1>
<dl><dt>状态 Status</dt><dd>${e(t.status)}</dd><dt>订单 Order</dt><dd>${e(d.order.number)} · ${e(d.order.customer)} (${e(d.order.customerCode)})</dd>
<dt>原因 Reason</dt><dd>${e(t.reason.labelZh)} / ${e(t.reason.labelEn)}</dd><dt>说明 Explanation</dt><dd>${e(t.explanation)}</dd>
<dt>申请人 Requested by</dt><dd>${e(t.requestedBy)} · ${e(t.requestedAt)}</dd><dt>生效 Effective</dt><dd>${e(t.effectiveAt)}</dd><dt>关闭 Closed</dt><dd>${e(t.closedAt)}</dd>
<dt>金额 Money</dt><dd>违约金 fee ${e(d.impact.cancellationFee)} · 退款 refund ${e(d.impact.refundDue)} ${e(d.order.currency)}</dd>
<dt>责任方 Caused by</dt><dd>${e(d.fault)}</dd>${
    d.feeAdjustment
      ? `<dt>违约金调整 Fee adjusted</dt><dd>${e(d.feeAdjustment.previousAmount)} → ${e(d.feeAdjustment.amount)} ${e(d.order.currency)} · ${e(d.feeAdjustment.actorName)} · ${e(d.feeAdjustment.at)} · ${e(d.feeAdjustment.reason)}</dd>`
      : ''
  }</dl>
<h2>审批 Approvals</h2>${table(
    ['阶段 Stage', '部门 Dept', '状态 Status', '审批人 By', '时间 At', '意见 Comment', '期限 Due'],
    d.approvals.map((a) => [a.stage, a.department, a.status, a.decidedBy, a.decidedAt, a.comment, a.dueAt]),
  )}
<h2>客户通知 Customer notifications</h2>${table(
    ['收件人 To', '状态 Status', '发送 Sent', '答复期限 Reply by', '提醒 Reminded', '答复 Responded', '备注 Note', '倾向 Preference'],
    d.customerNotifications.map((c) => [
      c.recipient,
      c.status,
      c.sentAt,
      c.deadlineDate ?? c.expiresAt,
      c.remindedAt,
      c.respondedAt,
      c.note,
      c.preferredResolution,
    ]),
  )}
<h2>客户通知记录 Customer notices</h2>${table(
    ['类型 Kind', '渠道 Channel', '收件人 To', '主题 Subject', 'Message-ID', '状态 Status', '排队 Queued', '发出 Sent'],
    d.customerNotices.map((n) => [n.kind, n.channel, n.recipient, n.subject, n.messageId, n.status, n.queuedAt, n.sentAt]),
  )}
<h2>采购单变更 Purchase orders changed</h2>${table(
    ['采购单 PO', '动作 Action', '物料 SKU', '原数量 Before', '取消 Cancelled', '剩余 After'],
    d.appliedPurchaseOrderChanges.flatMap((p) =>
      p.lines.map((l) => [p.number, p.action, l.sku, l.quantityBefore, l.quantityCancelled, l.quantityAfter]),
    ),
  )}
<h2>供应商通知 Supplier notices</h2>${table(
    ['采购单 PO', '供应商 Supplier', '渠道 Channel', '收件人 To', 'Message-ID', '状态 Status', '排队 Queued', '发出 Sent'],
    d.supplierNotices.map((n) => [
      n.purchaseOrder,
      `${n.supplierName} (${n.supplierCode})`,
      n.channel,
      n.recipient,
      n.messageId,
      n.status,
      n.queuedAt,
      n.sentAt,
    ]),
  )}
<h2>结算 Settlement</h2>${d.settlement ? table(Object.keys(d.settlement), [Object.values(d.settlement)]) : '<p>—</p>'}
<h2>协商结果 Negotiated outcome</h2><p>${e(d.negotiatedOutcome?.outcome)} ${e(d.negotiatedOutcome?.details)}</p>
<h2>跟进 Follow-up</h2>${table(
    ['类型 Kind', '部门 Dept', '状态 Status', '期限 Due', '完成 Done', '人 By', '备注 Note'],
    d.followUps.map((f) => [f.kind, f.department, f.status, f.dueAt, f.completedAt, f.completedBy, f.note]),
  )}
${dossierAttachmentsHtml(d.attachments, table)}
<h2 class="audit">审计记录 Audit trail</h2>${table(
    ['时间 At', '操作人 Actor', '动作 Action', '数据 Data'],
    d.auditTrail.map((a) => [a.at, `${a.actor} (${a.actorType})`, a.action, JSON.stringify(a.data)]),
  )}
<p style="color:#888">Generated ${e(d.generatedAt)}</p></body></html>`;
}
