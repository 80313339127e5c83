import { createPubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';

export type AppPubSub = ReturnType<typeof createPubSub>;

export interface PubSubHandle {
  pubSub: AppPubSub;
  /** A plain command connection, shared with the rate limiter; absent without Redis. */
  redis?: Redis;
  close(): Promise<void>;
}

/** In-process by default; with REDIS_URL every instance sees every event. */
export function createAppPubSub(redisUrl: string | undefined): PubSubHandle {
  if (!redisUrl) return { pubSub: createPubSub(), close: async () => undefined };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const pubSub = createPubSub({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  return {
    pubSub,
    redis: publishClient,
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
