import type { DomainEvents, EventSubscriber } from '../kernel/domain-events.js';
import type { EventPublisher } from '../kernel/live-events.js';
import { liveBoardsSubscriber } from '../modules/live/live-boards.subscriber.js';
import { approvalNoticesSubscriber } from '../modules/notification/approval-notices.subscriber.js';
import { customerReplyNoticesSubscriber } from '../modules/notification/customer-reply-notices.subscriber.js';
import { effectNoticesSubscriber } from '../modules/notification/effect-notices.subscriber.js';
import type { MailService } from '../modules/notification/mail.service.js';
import type { NotificationService } from '../modules/notification/notification.service.js';
import { supplierNoticesSubscriber } from '../modules/purchasing/supplier-notices.subscriber.js';
import type { StaffMailer } from '../modules/notification/staff-mail.js';
import { staffMailSubscriber } from '../modules/notification/staff-mail.subscriber.js';
import { commentLiveSubscriber, commentNoticesSubscriber } from '../modules/comment/comment-notices.subscriber.js';
import type { WebhookDispatcher } from '../modules/webhooks/webhook-dispatch.js';

/**
 * Everything that reacts to domain events, in the order it runs. A new reaction to an event
 * (a notice, a job, a call to another system) is a subscriber of its own, added here.
 */
export function eventSubscribers(deps: {
  events: EventPublisher;
  domainEvents: DomainEvents;
  notifications: NotificationService;
  mail: MailService;
  purchasingContact: string;
  staffMail: StaffMailer;
  webhooks: WebhookDispatcher;
}): EventSubscriber[] {
  return [
    approvalNoticesSubscriber(deps.notifications),
    customerReplyNoticesSubscriber(deps.notifications),
    // Before the effect notices: a phone task it opens is announced to Purchasing with the others.
    supplierNoticesSubscriber({ mail: deps.mail, events: deps.domainEvents, contact: deps.purchasingContact }),
    effectNoticesSubscriber(deps.notifications),
    staffMailSubscriber(deps.staffMail),
    commentNoticesSubscriber(deps.notifications, deps.staffMail),
    commentLiveSubscriber(deps.events),
    liveBoardsSubscriber(deps.events),
    // Enqueues one dispatch job per transaction that records events (the event log is the outbox).
    deps.webhooks.subscriber(),
  ];
}
