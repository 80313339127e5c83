import type { DomainEvent, DomainEventType, EventSubscriber } from '../../kernel/domain-events.js';
import type { EventPublisher } from '../../kernel/live-events.js';

/**
 * Events the boards do not show: what taking effect did, links mailed and mail delivered, and
 * the customer's answer or silence (the status change that follows is shown instead).
 */
const UNSHOWN: ReadonlySet<DomainEventType> = new Set<DomainEventType>([
  'termination.effect_applied',
  'confirmation.sent',
  'confirmation.reminder_sent',
  'confirmation.accepted',
  'confirmation.declined',
  'confirmation.silence',
  'customer.notified',
  'supplier.notified',
  // Comments have their own live stream (terminationCommentAdded); the termination did not change.
  'termination.comment_added',
  'termination.comment_edited',
]);

/** A lapsed link whose contract rule then applies is shown by the status change that follows. */
function shown(event: DomainEvent): boolean {
  if (UNSHOWN.has(event.type)) return false;
  return !(event.type === 'confirmation.expired' && (event as DomainEvent<'confirmation.expired'>).data.silenceMeans);
}

/** Live boards, lists and detail pages hear of every change to a termination once it has committed. */
export function liveBoardsSubscriber(events: EventPublisher): EventSubscriber {
  return {
    name: 'live-boards',
    afterCommit(event: DomainEvent) {
      const t = event.termination;
      if (!t || !shown(event)) return;
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
