import type { DomainEvent } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { Termination } from '../termination/termination.entity.js';
import { firstStageDepartments } from './approval-notices.subscriber.js';
import { noticeSubscriber, terminationOf } from './notice-subscriber.js';
import { StaffMailKind } from './notification-preference.entity.js';
import type { StaffMailContent, StaffMailer } from './staff-mail.js';
import { departmentLabel, formatMoney, type Language } from './messages.js';

/** What every staff mail says of the termination, in both languages. */
function about(t: Termination): { zh: string; en: string } {
  const i = t.impact;
  return {
    zh: `订单 ${i.orderNumber} · 终止金额 ${zhMoney(i.terminatedValue, i.currency)}`,
    en: `Order ${i.orderNumber} · terminated value ${enMoney(i.terminatedValue, i.currency)}`,
  };
}

const zhDept = (code: string) => departmentLabel(code, 'zh-CN');
const enDept = (code: string) => departmentLabel(code, 'en');
const zhMoney = (amount: string, currency: string) => formatMoney(amount, currency, 'zh-CN');
const enMoney = (amount: string, currency: string) => formatMoney(amount, currency, 'en');

function content(t: Termination, zh: { subject: string; lines: string[] }, en: { subject: string; lines: string[] }): StaffMailContent {
  const a = about(t);
  return {
    terminationId: t.id,
    terminationNumber: t.number,
    zh: { subject: `${t.number} ${zh.subject}`, lines: [...zh.lines, a.zh], open: '打开终止单' },
    en: { subject: `${t.number} ${en.subject}`, lines: [...en.lines, a.en], open: 'Open the termination' },
  };
}

/**
 * Staff e-mail for those who opted in (see NotificationPreference): heads hear of approvals due
 * and overdue work of their department, requesters of decisions, and requesters and the
 * departments the impact names to notify of the effect. The in-app notices are other subscribers'.
 */
export function staffMailSubscriber(mailer: StaffMailer) {
  const due = async (scope: TransactionScope, event: DomainEvent, departments: string[]) => {
    const t = await terminationOf(scope, event);
    await mailer.send(scope, StaffMailKind.APPROVALS_DUE, { headsOf: departments }, async () => {
      // Read only when someone is to be told (the submit path may not have the reason loaded).
      await scope.em.populate(t, ['reason']);
      return content(
        t,
        {
          subject: '待您审批',
          lines: [`终止单 ${t.number} 等待 ${departments.map(zhDept).join('、')} 审批。`, `原因：${t.reason.labelZh}`],
        },
        {
          subject: 'awaits your approval',
          lines: [`Termination ${t.number} awaits the approval of ${departments.map(enDept).join(', ')}.`, `Reason: ${t.reason.labelEn}`],
        },
      );
    });
  };
  const decided = async (scope: TransactionScope, event: DomainEvent<'approval.approved' | 'approval.rejected'>) => {
    const t = await terminationOf(scope, event);
    const approved = event.type === 'approval.approved';
    const { department, comment } = event.data;
    await mailer.send(scope, StaffMailKind.DECISIONS, { userIds: [t.requestedBy.id] }, () =>
      content(
        t,
        {
          subject: `${zhDept(department)}${approved ? '已批准' : '已驳回'}`,
          lines: [
            `${event.actorName}${approved ? '批准了' : '驳回了'}终止单 ${t.number}（${zhDept(department)}）。`,
            ...(comment ? [`意见：${comment}`] : []),
          ],
        },
        {
          subject: `${enDept(department)} ${approved ? 'approved' : 'rejected'}`,
          lines: [
            `${event.actorName} ${approved ? 'approved' : 'rejected'} termination ${t.number} for ${enDept(department)}.`,
            ...(comment ? [`Comment: ${comment}`] : []),
          ],
        },
      ),
    );
  };
  return noticeSubscriber('staff-mail', {
    'termination.submitted': (scope, event) => due(scope, event, firstStageDepartments(event.data.route)),
    'approval.stage_activated': (scope, event) => due(scope, event, event.data.departments),
    'approval.approved': decided,
    'approval.rejected': decided,
    'termination.effect_applied': async (scope, event) => {
      const t = await terminationOf(scope, event);
      const { settlement } = event.data;
      await mailer.send(scope, StaffMailKind.EFFECT, { userIds: [t.requestedBy.id], membersOf: t.impact.departmentsToNotify ?? [] }, () =>
        content(
          t,
          {
            subject: '已生效',
            lines: [
              `终止单 ${t.number} 已生效。`,
              moneyLine(settlement, t.impact.currency, 'zh-CN'),
              ...(event.data.tasks.length ? [`已开启跟进任务：${event.data.tasks.join('、')}`] : []),
            ],
          },
          {
            subject: 'is effective',
            lines: [
              `Termination ${t.number} took effect.`,
              moneyLine(settlement, t.impact.currency, 'en'),
              ...(event.data.tasks.length ? [`Follow-up tasks opened: ${event.data.tasks.join(', ')}`] : []),
            ],
          },
        ),
      );
    },
    'approval.overdue': async (scope, event) => {
      const t = await terminationOf(scope, event);
      const { department, dueAt, escalatedTo } = event.data;
      // The deputies it was escalated to get it too, when they chose mail about overdue work.
      const userIds = escalatedTo.map((d) => d.userId);
      await mailer.send(scope, StaffMailKind.OVERDUE, { headsOf: [department, 'MANAGEMENT'], userIds }, () =>
        content(
          t,
          {
            subject: `${zhDept(department)}审批已超时`,
            lines: [
              `终止单 ${t.number} 在${zhDept(department)}的审批已超过期限（${dueAt}）。`,
              ...(escalatedTo.length ? [`已转交代理人：${escalatedTo.map((d) => d.name).join('、')}`] : []),
            ],
          },
          {
            subject: `${enDept(department)} approval overdue`,
            lines: [
              `The ${enDept(department)} approval of termination ${t.number} was due ${dueAt}.`,
              ...(escalatedTo.length ? [`Escalated to the deputy: ${escalatedTo.map((d) => d.name).join(', ')}`] : []),
            ],
          },
        ),
      );
    },
    'followup.overdue': async (scope, event) => {
      const t = await terminationOf(scope, event);
      const { department, kind } = event.data;
      await mailer.send(scope, StaffMailKind.OVERDUE, { headsOf: [department] }, () =>
        content(
          t,
          {
            subject: `${zhDept(department)}跟进任务已超时`,
            lines: [`终止单 ${t.number} 的跟进任务 ${kind}（${zhDept(department)}）已超过期限。`],
          },
          {
            subject: `${enDept(department)} follow-up overdue`,
            lines: [`The ${kind} follow-up task of ${enDept(department)} for termination ${t.number} is overdue.`],
          },
        ),
      );
    },
  });
}

/** The money line of the effect, by case: a refund due, a fee the customer owes, or nothing either way. */
function moneyLine(settlement: { kind: string; fee: string; refundDue: string }, currency: string, lang: Language): string {
  const fee = formatMoney(settlement.fee, currency, lang);
  const refund = formatMoney(settlement.refundDue, currency, lang);
  if (settlement.kind === 'REFUND') {
    return lang === 'en' ? `Refund due to the customer: ${refund} (cancellation fee ${fee}).` : `应退客户 ${refund}（违约金 ${fee}）。`;
  }
  if (settlement.kind === 'FEE') {
    return lang === 'en' ? `No refund; the customer owes a cancellation fee of ${fee}.` : `无退款；客户应付违约金 ${fee}。`;
  }
  if (Number(settlement.fee) > 0) {
    return lang === 'en'
      ? `No refund; the fee of ${fee} is netted from the customer's payment.`
      : `无退款；违约金 ${fee} 已从客户付款中抵扣。`;
  }
  return lang === 'en' ? 'No money is owed either way.' : '双方无款项往来。';
}
