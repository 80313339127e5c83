import type { EventSubscriber } from '../kernel/domain-events.js';
import type { EventPublisher } from '../kernel/live-events.js';
import { liveBoardsSubscriber } from '../modules/live/live-boards.subscriber.js';
import { approvalNoticesSubscriber } from '../modules/notification/approval-notices.subscriber.js';
import { customerReplyNoticesSubscriber } from '../modules/notification/customer-reply-notices.subscriber.js';
import { effectNoticesSubscriber } from '../modules/notification/effect-notices.subscriber.js';
import type { NotificationService } from '../modules/notification/notification.service.js';
import type { WebhookDispatcher } from '../modules/webhooks/webhook-dispatch.js';

/**
 * Everything that reacts to domain events, in the order it runs. A new reaction to an event
 * (a notice, a job, a call to another system) is a subscriber of its own, added here.
 */
export function eventSubscribers(deps: {
  events: EventPublisher;
  notifications: NotificationService;
  webhooks: WebhookDispatcher;
}): EventSubscriber[] {
  return [
    approvalNoticesSubscriber(deps.notifications),
    customerReplyNoticesSubscriber(deps.notifications),
    effectNoticesSubscriber(deps.notifications),
    liveBoardsSubscriber(deps.events),
    // Enqueues one dispatch job per transaction that records events (the event log is the outbox).
    deps.webhooks.subscriber(),
  ];
}
