import { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
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
        title: `${t.number} 无法生效 / could not take effect`,
        body: event.data.blockers.map((b) => b.message).join(' '),
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
        title: `${t.number} 已生效 / is effective`,
        body: `${t.impact.orderNumber} · ${t.impact.terminatedValue} ${t.impact.currency} · ${notify.join(', ')}`,
        link: terminationLink(t),
        terminationId: t.id,
      });
      const tasks = await scope.em.find(FollowUpTask, { termination: t });
      // In the order the effect opened them.
      tasks.sort((a, b) => event.data.tasks.indexOf(a.kind) - event.data.tasks.indexOf(b.kind));
      for (const task of tasks) {
        await notifications.toDepartmentHeads(scope, [task.department], {
          kind: 'FOLLOW_UP_CREATED',
          title: `${t.number} 已生效，请跟进 / effective: follow-up for ${task.department}`,
          body: task.instructions,
          link: `/follow-ups`,
          terminationId: t.id,
        });
      }
    },
    'followup.overdue': async (scope, event) => {
      const t = await terminationOf(scope, event);
      const task = await scope.em.findOneOrFail(FollowUpTask, { id: event.entity!.id! });
      const notice = {
        kind: 'FOLLOW_UP_OVERDUE',
        title: `${t.number} 跟进任务已超时 / follow-up overdue`,
        body: task.instructions,
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
        title: `${t.number} 跟进任务已分配给您 / a follow-up task is yours`,
        body: `${event.actorName}: ${task.instructions}`,
        link: '/follow-ups?mine=1',
        terminationId: t.id,
      });
    },
  });
}
