import { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import type { Message } from './messages.js';
import { noticeSubscriber, terminationLink, terminationOf } from './notice-subscriber.js';
import type { NotificationService } from './notification.service.js';

/**
 * The requester hears when taking effect was blocked; at the effect the departments its impact
 * names to notify hear that it took effect, and each department of its follow-up task; and
 * when a task is overdue.
 */
export function effectNoticesSubscriber(notifications: NotificationService) {
  return noticeSubscriber('effect-notices', {
    'termination.effect_blocked': async (scope, event) => {
      const t = await terminationOf(scope, event);
      await notifications.toUsers(scope, [t.requestedBy.id], {
        kind: 'EFFECT_BLOCKED',
        params: { number: t.number, blockers: event.data.blockers },
        link: terminationLink(t),
        terminationId: t.id,
      });
    },
    'termination.effect_applied': async (scope, event) => {
      const t = await terminationOf(scope, event);
      // The departments the impact names to notify are told that it took effect (each member, once).
      const notify = t.impact.departmentsToNotify ?? [];
      await notifications.toDepartmentMembers(scope, notify, {
        kind: 'TERMINATION_EFFECTIVE',
        params: {
          number: t.number,
          order: t.impact.orderNumber,
          value: t.impact.terminatedValue,
          currency: t.impact.currency,
          departments: notify,
        },
        link: terminationLink(t),
        terminationId: t.id,
      });
      const tasks = await scope.em.find(FollowUpTask, { termination: t });
      // In the order the effect opened them.
      tasks.sort((a, b) => event.data.tasks.indexOf(a.kind) - event.data.tasks.indexOf(b.kind));
      for (const task of tasks) {
        await notifications.toDepartmentHeads(scope, [task.department], {
          kind: 'FOLLOW_UP_CREATED',
          params: { number: t.number, department: task.department, instructions: instructionsOf(task) },
          link: `/follow-ups`,
          terminationId: t.id,
        });
      }
    },
    'followup.overdue': async (scope, event) => {
      const t = await terminationOf(scope, event);
      const task = await scope.em.findOneOrFail(FollowUpTask, { id: event.entity!.id! });
      const notice = {
        kind: 'FOLLOW_UP_OVERDUE' as const,
        params: { number: t.number, instructions: instructionsOf(task) },
        link: '/follow-ups',
        terminationId: t.id,
      };
      await notifications.toDepartmentHeads(scope, [event.data.department], notice);
      // Its owner, when it has one, is the first to hear.
      if (task.assignee) await notifications.toUsers(scope, [task.assignee.id], notice);
    },
    'followup.assigned': async (scope, event) => {
      const owner = event.data.assignee;
      // Taking a task yourself needs no notice.
      if (!owner || (event.actor?.kind === 'user' && event.actor.userId === owner.userId)) return;
      const t = await terminationOf(scope, event);
      const task = await scope.em.findOneOrFail(FollowUpTask, { id: event.entity!.id! });
      await notifications.toUsers(scope, [owner.userId], {
        kind: 'FOLLOW_UP_ASSIGNED',
        params: { number: t.number, actor: event.actorName, instructions: instructionsOf(task) },
        link: '/follow-ups?mine=1',
        terminationId: t.id,
      });
    },
  });
}

/** A task's instruction lines as messages; a task from before message keys (or with a free text) as its text. */
function instructionsOf(task: FollowUpTask): Message[] {
  return task.instructionLines ?? [{ key: 'text', params: { text: task.instructions } }];
}
