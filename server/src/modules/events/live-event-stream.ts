import type { RequestContext } from '../../kernel/context.js';
import { forbidden, limitLength, unauthenticated } from '../../common/errors.js';
import type { EventFeed, FeedEvent } from './event-feed.js';
import type { Permission } from '@ot/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface LiveEventArgs {
  types?: string[] | null;
  after?: string | null;
}

/** How often a live `event` subscriber looks for new events. */
const POLL_MS = 1000;
const BATCH = 100;

/**
 * The `event` subscription reads the same feed as `events(after:)`, so a live reader gets the
 * same order, the same permission filter and no event lost between reconnects (it passes the
 * last cursor it saw). Polling the feed, rather than listening to after-commit messages, is
 * what keeps that promise; it costs one indexed query per subscriber per second.
 */
export async function liveEventStream(ctx: RequestContext, args: LiveEventArgs): Promise<AsyncIterableIterator<FeedEvent>> {
  const actor = ctx.actor;
  if (!actor) throw unauthenticated();
  if (!actor.permissions.has('events:subscribe'))
    throw forbidden('Events need the events:subscribe permission (API keys: the EVENTS_SUBSCRIBE scope).');
  const feed = ctx.services.eventFeed;
  const after = args.after ? limitLength(args.after, 200, 'after') : null;
  if (after) feed.assertCursor(after);
  const start = after ?? (await feed.tail(ctx.em));
  return new PollingStream(feed, ctx.em, start, args.types ?? null, actor.permissions);
}

class PollingStream implements AsyncIterableIterator<FeedEvent> {
  private readonly buffer: FeedEvent[] = [];
  private closed = false;
  private readNow = true;
  private wake: (() => void) | null = null;

  constructor(
    private readonly feed: EventFeed,
    private readonly em: EntityManager,
    private cursor: string | null,
    private readonly types: string[] | null,
    private readonly permissions: ReadonlySet<Permission>,
  ) {}

  async next(): Promise<IteratorResult<FeedEvent>> {
    while (!this.closed) {
      const ready = this.buffer.shift();
      if (ready) return { value: ready, done: false };
      if (!this.readNow) await this.pause();
      if (this.closed) break;
      const page = await this.feed.read(this.em, { after: this.cursor, limit: BATCH, types: this.types, permissions: this.permissions });
      this.buffer.push(...page.events);
      this.cursor = page.events.at(-1)?.cursor ?? this.cursor;
      this.readNow = page.hasMore;
    }
    return { value: undefined, done: true };
  }

  return(): Promise<IteratorResult<FeedEvent>> {
    this.closed = true;
    this.wake?.();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<FeedEvent>> {
    this.closed = true;
    this.wake?.();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEvent> {
    return this;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      this.wake = done;
    });
  }
}
