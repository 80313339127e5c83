import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { forbidden, limitLength } from '../../common/errors.js';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../../common/pagination.js';
import { badInput } from '../../common/errors.js';
import { Termination } from '../termination/termination.entity.js';
import { EventConnection, EventInterface, EventType, TerminationEventInterface } from './event.types.js';
import type { FeedEvent } from './event-feed.js';
import { liveEventStream, type LiveEventArgs } from './live-event-stream.js';

function pageSize(first: number | null): number {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, 'first');
  return limit;
}

@Resolver()
export class EventFeedResolver {
  @Authorized('events:subscribe')
  @Query(() => EventConnection, {
    description:
      'Every committed event the reader may see, oldest first, resumable from a cursor; an event never appears behind a cursor already handed out',
  })
  async events(
    @Ctx() ctx: RequestContext,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('types', () => [EventType], { nullable: true }) types: string[] | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('terminationNumber', () => String, { nullable: true, description: "Only this termination's events" })
    terminationNumber: string | null,
  ) {
    const limit = pageSize(first);
    const cursor = after ? limitLength(after, 200, 'after') : null;
    const page = await ctx.services.eventFeed.read(ctx.em, {
      after: cursor,
      limit,
      types,
      terminationNumber: terminationNumber ? limitLength(terminationNumber.trim(), 40, 'terminationNumber') : null,
      permissions: ctx.actor!.permissions,
    });
    const edges = page.events.map((node) => ({ node, cursor: node.cursor }));
    return {
      edges,
      // Counting a growing log would cost a scan per page; the feed has no total.
      totalCount: edges.length,
      boundedCount: { count: edges.length, exact: true },
      pageInfo: {
        hasNextPage: page.hasMore,
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        // With no new event the reader keeps its position.
        endCursor: edges.at(-1)?.cursor ?? cursor,
      },
    };
  }

  @Subscription(() => EventInterface, {
    subscribe: ({ args, context }: { args: LiveEventArgs; context: RequestContext }) => liveEventStream(context, args),
    description:
      'Events as they commit (from `after` when given, else from now). Also the root of webhook payload documents: `subscription { event { ... on TerminationEffective { termination { number } } } }`',
  })
  event(
    @Root() event: FeedEvent,
    @Arg('types', () => [EventType], { nullable: true }) _types?: string[],
    @Arg('after', () => String, { nullable: true }) _after?: string,
  ): FeedEvent {
    return event;
  }
}

@Resolver(() => TerminationEventInterface)
export class TerminationEventResolver {
  @FieldResolver(() => Termination, { nullable: true })
  termination(@Root() event: FeedEvent, @Ctx() ctx: RequestContext): Promise<Termination | null> | null {
    if (!ctx.actor?.permissions.has('terminations:read')) throw forbidden('Reading the termination needs terminations:read.');
    return event.terminationId ? ctx.loaders.one(Termination, event.terminationId) : null;
  }
}
