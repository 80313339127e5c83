import type { DomainEvent } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { Termination } from '../termination/termination.entity.js';
import { headsAndDeputiesOf } from '../approval/approval-deputies.js';
import { noticeSubscriber, terminationLink, terminationOf } from './notice-subscriber.js';
import type { NotificationService } from './notification.service.js';

/** The departments of the route's first stage (route entries are `stage:DEPARTMENT`): due on submission. */
export function firstStageDepartments(route: readonly string[]): string[] {
  const stages = route.map((entry) => Number(entry.split(':')[0]));
  const first = Math.min(...stages);
  return route.filter((_, i) => stages[i] === first).map((entry) => entry.split(':')[1]!);
}

/**
 * A deputy's copy of a head's notice links to the termination's page: a clerk standing in has no
 * approval board (the board is the heads' page), and decides there.
 */
function forDeputies<N extends { link: string }>(notice: N, t: Termination): N {
  return { ...notice, link: terminationLink(t) };
}

/**
 * The heads and deputies of these departments, read once per transaction and set of departments:
 * a bulk run's chunk submits hundreds of terminations whose first stages name the same
 * departments, and all of them are told as of the chunk's transaction.
 */
const recipientsByTransaction = new WeakMap<TransactionScope['em'], Map<string, ReturnType<typeof headsAndDeputiesOf>>>();
function recipientsOf(scope: TransactionScope, departments: string[]): ReturnType<typeof headsAndDeputiesOf> {
  let known = recipientsByTransaction.get(scope.em);
  if (!known) recipientsByTransaction.set(scope.em, (known = new Map()));
  const key = [...departments].sort().join(',');
  let recipients = known.get(key);
  if (!recipients) known.set(key, (recipients = headsAndDeputiesOf(scope.em, departments, new Date())));
  return recipients;
}

/** Heads hear of approvals due and overdue; the requester hears of each decision. */
export function approvalNoticesSubscriber(notifications: NotificationService) {
  const due = async (scope: TransactionScope, t: Termination, departments: string[]) => {
    const notice = {
      kind: 'APPROVAL_DUE' as const,
      params: { number: t.number, order: t.impact.orderNumber, value: t.impact.terminatedValue, currency: t.impact.currency },
      link: `/board`,
      terminationId: t.id,
    };
    // Whoever stands in for a head now hears of it as the head does, linked to where a deputy decides.
    const { heads, deputies } = await recipientsOf(scope, departments);
    notifications.toRecipients(scope, heads, notice);
    notifications.toRecipients(scope, deputies, forDeputies(notice, t));
  };
  const decided = async (scope: TransactionScope, event: DomainEvent<'approval.approved' | 'approval.rejected'>) => {
    const t = await terminationOf(scope, event);
    const approved = event.type === 'approval.approved';
    const { department, comment } = event.data;
    await notifications.toUsers(scope, [t.requestedBy.id], {
      kind: approved ? 'STEP_APPROVED' : 'STEP_REJECTED',
      params: {
        number: t.number,
        department,
        actor: event.actorName,
        onBehalfOf: event.data.onBehalfOf?.name ?? null,
        comment: comment ?? null,
      },
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
      const notice = {
        kind: 'APPROVAL_OVERDUE' as const,
        params: { number: t.number, department: event.data.department, dueAt: event.data.dueAt },
        link: '/board',
        terminationId: t.id,
      };
      await notifications.toDepartmentHeads(scope, [event.data.department, 'MANAGEMENT'], notice);
      // The escalation goes to the head's deputy when one stood in at that moment (the head may be away).
      await notifications.toUsers(
        scope,
        event.data.escalatedTo.map((d) => d.userId),
        forDeputies(notice, t),
      );
    },
  });
}
