import type { EventSubscriber } from '../kernel/domain-events.js';
import type { EventPublisher } from '../kernel/live-events.js';
import { liveBoardsSubscriber } from '../modules/live/live-boards.subscriber.js';

/**
 * Everything that reacts to domain events, in the order it runs. A new reaction to an event
 * (a notice, a job, a call to another system) is a subscriber of its own, added here.
 */
export function eventSubscribers(deps: { events: EventPublisher }): EventSubscriber[] {
  return [liveBoardsSubscriber(deps.events)];
}
