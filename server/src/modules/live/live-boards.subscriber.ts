import type { DomainEvent, EventSubscriber } from '../../kernel/domain-events.js';
import type { EventPublisher } from '../../kernel/live-events.js';

/** Live boards, lists and detail pages hear of every change to a termination once it has committed. */
export function liveBoardsSubscriber(events: EventPublisher): EventSubscriber {
  return {
    name: 'live-boards',
    afterCommit(event: DomainEvent) {
      const t = event.termination;
      if (!t) return;
      events.termination({
        kind: event.type,
        terminationId: t.id,
        number: t.number,
        oldStatus: t.previousStatus,
        newStatus: t.status,
        departments: t.departments,
        stepId: t.stepId,
        taskId: t.taskId,
        actorName: event.actorName,
        at: event.at.toISOString(),
      });
    },
  };
}
