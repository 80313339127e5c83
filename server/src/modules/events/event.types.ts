import { isInterfaceType, type GraphQLSchema } from 'graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InterfaceType, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { Termination } from '../termination/termination.entity.js';
import { EVENT_TYPES, eventInfo, eventObjectName, eventTypeName } from './event-catalogue.js';
import type { FeedEvent } from './event-feed.js';

/** GraphQL `EventType`: TERMINATION_EFFECTIVE … whose values inside the server are the dotted types. */
export const EventType: Record<string, string> = Object.fromEntries(EVENT_TYPES.map((type) => [eventTypeName(type), type]));
registerEnumType(EventType, { name: 'EventType', description: 'Kinds of domain events, as in the event feed and webhooks' });

@InterfaceType('Event', { description: 'A committed domain event, in the order of the event feed' })
export abstract class EventInterface {
  @Field(() => ID)
  id!: string;
  @Field(() => String, { description: 'Global sequence of the event log (a 64-bit integer as a string)' })
  sequence!: string;
  @Field(() => EventType)
  type!: string;
  @Field(() => Date)
  occurredAt!: Date;
  @Field(() => String, { description: 'USER, API_KEY, CUSTOMER or SYSTEM' })
  actorType!: string;
  @Field(() => String)
  actorName!: string;
  @Field(() => String, { nullable: true })
  terminationNumber!: string | null;
  @Field(() => GraphQLJSONObject, { description: 'What the event recorded (its shape depends on the type; see README)' })
  data!: Record<string, unknown>;
}

@InterfaceType('TerminationFeedEvent', { implements: EventInterface, description: 'An event of one termination' })
export abstract class TerminationEventInterface extends EventInterface {
  @Field(() => Termination, { nullable: true, description: 'The termination as it is now (needs terminations:read)' })
  termination?: Termination | null;
}

/** One object type per event type (TerminationEffective, ApprovalApproved, …), for `... on` in payload documents. */
export const EVENT_OBJECT_TYPES = EVENT_TYPES.map((type) => {
  const name = eventObjectName(type);
  if (eventInfo(type).termination) {
    @ObjectType(name, { implements: [EventInterface, TerminationEventInterface], simpleResolvers: true })
    class TerminationEventObject extends TerminationEventInterface {}
    return TerminationEventObject;
  }
  @ObjectType(name, { implements: EventInterface, simpleResolvers: true })
  class EventObject extends EventInterface {}
  return EventObject;
});

/** Each feed event is the object type of its kind (set after the build, synchronously, for the compiled executor). */
export function resolveEventTypes(schema: GraphQLSchema): void {
  for (const name of ['Event', 'TerminationFeedEvent']) {
    const type = schema.getType(name);
    if (!isInterfaceType(type)) throw new Error(`The schema has no interface ${name}.`);
    type.resolveType = (event: FeedEvent) => eventObjectName(event.type);
  }
}

export const EventConnection = ConnectionType('Event', EventInterface as unknown as ClassType<EventInterface>);
