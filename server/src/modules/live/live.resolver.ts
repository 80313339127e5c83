import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { TOPICS, type LiveTerminationEvent, type NotificationEvent as NotificationPayload } from '../../kernel/live-events.js';
import { badInput, forbidden, unauthenticated } from '../../common/errors.js';
import { ApprovalBoardEvent, FollowUpTaskEvent, NotificationEvent, TerminationEvent } from './live.types.js';
import { eventVisible, maySeeDepartment, maySubscribe } from './live-access.js';

interface SubscribeData {
  args: Record<string, unknown>;
  context: RequestContext;
}

function guard(context: RequestContext, department?: unknown): void {
  if (!context.actor) throw unauthenticated();
  if (!maySubscribe(context.actor)) throw forbidden('Live events need read access (API keys: the events:subscribe scope).');
  if (typeof department === 'string' && department.length > 32) throw badInput('department may be at most 32 characters.', 'department');
  if (typeof department === 'string' && !maySeeDepartment(context.actor, department)) {
    throw forbidden(`You may not follow the ${department} department.`);
  }
}

function domainStream(topic: string, { context }: SubscribeData, department: string | null, terminationId?: string | null) {
  guard(context, department ?? undefined);
  return context.services.events.subscribe<LiveTerminationEvent>(
    topic,
    (event) => (!terminationId || event.terminationId === terminationId) && eventVisible(context.actor, event, department),
  );
}

/**
 * Live updates over graphql-ws. Events are published only after their transaction commits. Each
 * method returns its root, the event: the schema resolves these fields to the event directly
 * (see resolveSubscriptionsToTheirEvent), so keep it that way.
 */
@Resolver()
export class LiveResolver {
  @Subscription(() => TerminationEvent, {
    subscribe: (data: SubscribeData) =>
      domainStream(TOPICS.terminationChanged, data, (data.args.department as string) ?? null, (data.args.terminationId as string) ?? null),
    description: 'Changes to terminations; narrow by termination or department',
  })
  terminationChanged(
    @Root() event: LiveTerminationEvent,
    @Arg('terminationId', () => ID, { nullable: true }) _terminationId?: string,
    @Arg('department', () => String, { nullable: true }) _department?: string,
  ): LiveTerminationEvent {
    return event;
  }

  @Subscription(() => ApprovalBoardEvent, {
    subscribe: (data: SubscribeData) => domainStream(TOPICS.approvalBoardChanged, data, data.args.department as string),
    description: 'Cards arriving on or leaving a department’s approval board',
  })
  approvalBoardChanged(@Root() event: LiveTerminationEvent, @Arg('department', () => String) _department: string): LiveTerminationEvent {
    return event;
  }

  @Subscription(() => FollowUpTaskEvent, {
    subscribe: (data: SubscribeData) => domainStream(TOPICS.followUpTaskChanged, data, (data.args.department as string) ?? null),
  })
  followUpTaskChanged(
    @Root() event: LiveTerminationEvent,
    @Arg('department', () => String, { nullable: true }) _department?: string,
  ): LiveTerminationEvent {
    return event;
  }

  @Subscription(() => NotificationEvent, {
    subscribe: ({ context }: SubscribeData) => {
      if (context.actor?.kind !== 'user') throw forbidden('Notifications are for signed-in users.');
      const userId = context.actor.userId;
      return context.services.events.subscribe<NotificationPayload>(TOPICS.notificationAdded, (n) => n.userId === userId);
    },
    description: 'My new in-app notifications',
  })
  notificationAdded(@Root() notification: NotificationPayload): NotificationPayload {
    return notification;
  }
}
