import type { DomainEvent } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { Termination } from '../termination/termination.entity.js';
import { noticeSubscriber, terminationLink, terminationOf } from './notice-subscriber.js';
import type { NotificationService } from './notification.service.js';

/** The departments of the route's first stage (route entries are `stage:DEPARTMENT`): due on submission. */
export function firstStageDepartments(route: readonly string[]): string[] {
  const stages = route.map((entry) => Number(entry.split(':')[0]));
  const first = Math.min(...stages);
  return route.filter((_, i) => stages[i] === first).map((entry) => entry.split(':')[1]!);
}

/** Heads hear of approvals due and overdue; the requester hears of each decision. */
export function approvalNoticesSubscriber(notifications: NotificationService) {
  const due = (scope: TransactionScope, t: Termination, departments: string[]) =>
    notifications.toDepartmentHeads(scope, departments, {
      kind: 'APPROVAL_DUE',
      title: `${t.number} 待您审批 / awaiting your approval`,
      body: `${t.impact.orderNumber} · ${t.impact.terminatedValue} ${t.impact.currency}`,
      link: `/board`,
      terminationId: t.id,
    });
  const decided = async (scope: TransactionScope, event: DomainEvent<'approval.approved' | 'approval.rejected'>) => {
    const t = await terminationOf(scope, event);
    const approved = event.type === 'approval.approved';
    const { department, comment } = event.data;
    await notifications.toUsers(scope, [t.requestedBy.id], {
      kind: approved ? 'STEP_APPROVED' : 'STEP_REJECTED',
      title: `${t.number} ${department} ${approved ? '已批准 approved' : '已驳回 rejected'}`,
      body: `${event.actorName}${comment ? `: ${comment}` : ''}`,
      link: terminationLink(t),
      terminationId: t.id,
    });
  };
  return noticeSubscriber('approval-notices', {
    // The first stage of the route opens with the submission.
    'termination.submitted': async (scope, event) => due(scope, await terminationOf(scope, event), firstStageDepartments(event.data.route)),
    'approval.stage_activated': async (scope, event) => due(scope, await terminationOf(scope, event), event.data.departments),
    'approval.approved': decided,
    'approval.rejected': decided,
    'approval.overdue': async (scope, event) => {
      const t = await terminationOf(scope, event);
      await notifications.toDepartmentHeads(scope, [event.data.department, 'MANAGEMENT'], {
        kind: 'APPROVAL_OVERDUE',
        title: `${t.number} ${event.data.department} 审批已超时 / approval overdue`,
        body: `Due ${event.data.dueAt}`,
        link: '/board',
        terminationId: t.id,
      });
    },
  });
}
