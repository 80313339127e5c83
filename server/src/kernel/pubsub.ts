import { Redis } from 'ioredis';
import { pubSubDelay, secondsSince } from './metrics.js';

/**
 * When an event was published, carried in its JSON through Redis so that receivers can measure
 * the delay (ot_pubsub_delay_seconds). A key of its own, removed on receipt: an instance of an
 * older version passes it on unread (subscribers read named fields), so mixed versions during a
 * rolling upgrade understand each other.
 */
const PUBLISHED_AT = '__publishedAt';

function stamped(payload: unknown): string {
  const isObject = payload !== null && typeof payload === 'object' && !Array.isArray(payload);
  return JSON.stringify(isObject ? { ...payload, [PUBLISHED_AT]: Date.now() } : payload);
}

function unstamped(topic: string, message: string): unknown {
  const payload = JSON.parse(message) as unknown;
  if (payload && typeof payload === 'object' && PUBLISHED_AT in payload) {
    const { [PUBLISHED_AT]: at, ...rest } = payload as Record<string, unknown>;
    if (typeof at === 'number') pubSubDelay.observe({ topic }, Math.max(0, Date.now() - at) / 1000);
    return rest;
  }
  return payload;
}

/**
 * Topic → live subscribers. A subscriber is a small queue with its own filter, checked when the
 * event is offered, so an event another subscriber may not see costs it one function call. With
 * Redis, each instance subscribes once per topic and dispatches locally.
 */
export interface AppPubSub {
  publish(topic: string, payload: unknown): void;
  subscribe<T = unknown>(topic: string, accept?: (payload: T) => boolean): AsyncIterableIterator<T>;
}

/**
 * A subscriber stream that can hand its accepted events to a function as they are offered,
 * instead of queueing them for `next()`: the live fan-out (app/subscription-hub.ts) takes the
 * events of many subscribers at once this way. The filter still runs per subscriber.
 */
export interface PushableStream<T> extends AsyncIterableIterator<T> {
  /** From now on accepted events go to `sink` (any already queued first, in order); `next()` is no longer used. */
  pushTo(sink: (payload: T) => void): void;
}

export function isPushableStream<T>(stream: unknown): stream is PushableStream<T> {
  return stream instanceof Subscriber;
}

export interface PubSubHandle {
  pubSub: AppPubSub;
  /** A plain command connection, shared with the rate limiter; absent without Redis. */
  redis?: Redis;
  close(): Promise<void>;
}

class Subscriber<T> implements PushableStream<T> {
  private queue: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private sink: ((payload: T) => void) | null = null;
  private closed = false;

  constructor(
    private readonly accept: ((payload: T) => boolean) | undefined,
    private readonly onClose: () => void,
  ) {}

  offer(payload: T): void {
    if (this.closed || (this.accept && !this.accept(payload))) return;
    if (this.sink) return this.sink(payload);
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting({ value: payload, done: false });
    } else this.queue.push(payload);
  }

  pushTo(sink: (payload: T) => void): void {
    const queued = this.queue;
    this.queue = [];
    this.sink = sink;
    for (const payload of queued) sink(payload);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.queue = [];
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

class Topics implements AppPubSub {
  private readonly topics = new Map<string, Set<Subscriber<unknown>>>();

  constructor(
    private readonly send: (topic: string, payload: unknown) => void,
    private readonly onFirst: (topic: string) => void = () => undefined,
    private readonly onLast: (topic: string) => void = () => undefined,
  ) {}

  publish(topic: string, payload: unknown): void {
    this.send(topic, payload);
  }

  dispatch(topic: string, payload: unknown): void {
    const subscribers = this.topics.get(topic);
    if (subscribers) for (const s of subscribers) s.offer(payload);
  }

  subscribe<T>(topic: string, accept?: (payload: T) => boolean): AsyncIterableIterator<T> {
    let set = this.topics.get(topic);
    if (!set) {
      set = new Set();
      this.topics.set(topic, set);
      this.onFirst(topic);
    }
    const subscribers = set;
    const subscriber: Subscriber<T> = new Subscriber<T>(accept, () => {
      subscribers.delete(subscriber as Subscriber<unknown>);
      if (subscribers.size === 0 && this.topics.get(topic) === subscribers) {
        this.topics.delete(topic);
        this.onLast(topic);
      }
    });
    subscribers.add(subscriber as Subscriber<unknown>);
    return subscriber;
  }
}

/** In-process by default; with REDIS_URL every instance sees every event. */
export function createAppPubSub(redisUrl: string | undefined): PubSubHandle {
  if (!redisUrl) {
    // Delivered after the publishing request has answered, as it would be through Redis.
    const local: Topics = new Topics((topic, payload) => {
      const at = process.hrtime.bigint();
      setImmediate(() => {
        pubSubDelay.observe({ topic }, secondsSince(at));
        local.dispatch(topic, payload);
      });
    });
    return { pubSub: local, close: async () => undefined };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const topics = new Topics(
    (topic, payload) => void publishClient.publish(topic, stamped(payload)),
    (topic) => void subscribeClient.subscribe(topic),
    (topic) => void subscribeClient.unsubscribe(topic),
  );
  subscribeClient.on('message', (channel: string, message: string) => topics.dispatch(channel, unstamped(channel, message)));
  return {
    pubSub: topics,
    redis: publishClient,
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
