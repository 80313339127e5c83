import { createSourceEventStream, execute, getOperationAST, GraphQLError, Kind, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { mapAsyncIterator } from 'graphql/execution/mapAsyncIterator.js';
import { WebSocket } from 'ws';
import type { RequestContext } from '../kernel/context.js';
import { liveDeliveries, liveExecutions } from '../kernel/metrics.js';
import { isPushableStream, type PushableStream } from '../kernel/pubsub.js';
import { audienceKey } from './live-audience.js';

/** What a subscriber may see of a result with errors (masked, with its own request id). */
export type PresentErrors = (result: ExecutionResult, args: ExecutionArgs) => ExecutionResult;

/** One event's execution for one group, serialized once. */
interface Prepared {
  result: ExecutionResult;
  /** The result as JSON, or null when it has errors: those are presented per subscriber. */
  payload: string | null;
  /** The whole `next` message per subscription id (clients mostly use the same few ids). */
  frames: Map<string, Buffer>;
}

class HubSubscription {
  /** A later event waits for this one (set only while an execution of this subscription is asynchronous). */
  pending: Promise<void> | null = null;
  ended = false;
  private waiting: ((result: IteratorResult<ExecutionResult>) => void) | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly id: string,
    readonly args: ExecutionArgs,
    readonly key: string,
    readonly field: string,
    private readonly source: PushableStream<unknown>,
  ) {}

  /**
   * What graphql-ws iterates: it yields nothing (the hub writes this subscription's messages to
   * the socket itself) and ends when graphql-ws ends it, on `complete` or when the socket closes.
   */
  stream(): AsyncGenerator<ExecutionResult> {
    const stream: AsyncGenerator<ExecutionResult> = {
      next: () => (this.ended ? Promise.resolve(done) : new Promise((resolve) => (this.waiting = resolve))),
      return: async () => {
        this.end();
        return done;
      },
      throw: async (error: unknown) => {
        this.end();
        throw error;
      },
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    void this.source.return?.();
    this.waiting?.(done);
    this.waiting = null;
  }
}

const done: IteratorResult<ExecutionResult> = { value: undefined, done: true };

/**
 * The live fan-out. graphql-ws alone executes the operation once per subscriber for every event
 * and serializes each result on its own. Here the subscribers of one event are grouped by
 * audience (live-audience.ts: same document, variables and visibility, hence the same bytes);
 * the operation runs once per group, with one of its subscribers' context, and every socket of
 * the group gets the same serialized message. Per subscriber, as before: the access checks when
 * subscribing (the field's subscribe resolver) and the topic filter for every event; a result
 * with errors is masked, logged and sent per subscriber.
 *
 * Streams that are not pub/sub subscribers (the polled event feed, import progress) and
 * operations not started over a socket keep graphql-js's own per-subscriber execution.
 */
export class SubscriptionHub {
  private readonly sockets = new WeakMap<object, { socket: WebSocket; id: string }>();
  /** Subscribers offered one event during the current dispatch, by group key; flushed in a microtask. */
  private readonly batches = new Map<unknown, Map<string, HubSubscription[]>>();

  constructor(private readonly presentErrors: PresentErrors) {}

  /** The socket and subscription id an operation's messages go to (onSubscribe tells, per context). */
  deliverTo(contextValue: object, socket: WebSocket, id: string): void {
    this.sockets.set(contextValue, { socket, id });
  }

  /** graphql-ws's `subscribe`: the field's subscribe resolver (access checks) runs per subscriber here. */
  subscribe = async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
    const target = this.sockets.get(args.contextValue as object);
    if (!target || !isPushableStream(source)) {
      return mapAsyncIterator(source as AsyncIterable<unknown>, (payload) => execute({ ...args, rootValue: payload }));
    }
    const actor = (args.contextValue as RequestContext).actor;
    const subscription = new HubSubscription(target.socket, target.id, args, audienceKey(args, actor), rootField(args), source);
    source.pushTo((event) => this.offer(event, subscription));
    return subscription.stream();
  };

  private offer(event: unknown, subscription: HubSubscription): void {
    let groups = this.batches.get(event);
    if (!groups) {
      groups = new Map();
      this.batches.set(event, groups);
      // A dispatch offers the event to every subscriber synchronously; the groups run after it.
      queueMicrotask(() => this.flush(event));
    }
    const group = groups.get(subscription.key);
    if (group) group.push(subscription);
    else groups.set(subscription.key, [subscription]);
  }

  private flush(event: unknown): void {
    const groups = this.batches.get(event);
    this.batches.delete(event);
    for (const group of groups?.values() ?? []) this.runGroup(event, group);
  }

  private runGroup(event: unknown, group: HubSubscription[]): void {
    const members = group.filter((s) => !s.ended);
    const representative = members[0];
    if (!representative) return;
    liveExecutions.inc({ field: representative.field });
    let result: ExecutionResult | Promise<ExecutionResult>;
    try {
      result = execute({ ...representative.args, rootValue: event });
    } catch (error) {
      result = failed(error);
    }
    if (!(result instanceof Promise)) {
      const prepared = prepare(result);
      for (const s of members) {
        if (s.pending) this.after(s, () => this.send(s, prepared));
        else this.send(s, prepared);
      }
    } else {
      const ready = result.then(prepare, (error: unknown) => prepare(failed(error)));
      for (const s of members) this.after(s, () => ready.then((prepared) => this.send(s, prepared)));
    }
    liveDeliveries.inc({ field: representative.field }, members.length);
  }

  /** Keeps one subscription's messages in event order when an execution had to wait. */
  private after(subscription: HubSubscription, step: () => void | Promise<void>): void {
    const previous = subscription.pending ?? Promise.resolve();
    const current: Promise<void> = previous.then(step).finally(() => {
      if (subscription.pending === current) subscription.pending = null;
    });
    subscription.pending = current;
  }

  private send(subscription: HubSubscription, prepared: Prepared): void {
    const { socket, id } = subscription;
    if (subscription.ended || socket.readyState !== WebSocket.OPEN) return;
    if (prepared.payload === null) {
      const payload = this.presentErrors(prepared.result, subscription.args);
      socket.send(JSON.stringify({ id, type: 'next', payload }));
      return;
    }
    let frame = prepared.frames.get(id);
    if (!frame) {
      // Byte for byte what graphql-ws sends: {"id":…,"type":"next","payload":{"data":…}}.
      frame = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":${prepared.payload}}`);
      prepared.frames.set(id, frame);
    }
    socket.send(frame, { binary: false });
  }
}

function prepare(result: ExecutionResult): Prepared {
  return { result, payload: result.errors?.length ? null : JSON.stringify(result), frames: new Map() };
}

/** An execution that threw (graphql-js reports resolver errors in the result; this is for anything else). */
function failed(error: unknown): ExecutionResult {
  const original = error instanceof Error ? error : new Error(String(error));
  return { errors: [new GraphQLError(original.message, { originalError: original })] };
}

function rootField(args: ExecutionArgs): string {
  const selection = getOperationAST(args.document, args.operationName)?.selectionSet.selections[0];
  return selection?.kind === Kind.FIELD ? selection.name.value : 'other';
}
