import type { GraphQLError } from 'graphql';
import { clientError } from '../common/errors.js';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  loginPerIpPerMinute: number;
  loginFailuresPerAccount: number;
  publicTokenPerIpPerMinute: number;
  apiKeyPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  loginPerIpPerMinute: 30,
  loginFailuresPerAccount: 10,
  publicTokenPerIpPerMinute: 30,
  apiKeyPerMinute: 600,
};

export function rateLimited(retryAfterSeconds: number, what: string): GraphQLError {
  return clientError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s.`, {
    retryAfter: retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}

/**
 * Counters for brute force and abuse. In memory by default; with Redis every instance
 * shares them.
 */
export class RateLimits {
  private readonly loginIp: RateLimiterAbstract;
  private readonly loginAccount: RateLimiterAbstract;
  private readonly publicToken: RateLimiterAbstract;
  private readonly apiKey: RateLimiterAbstract;

  constructor(settings: RateLimitSettings, redis?: Redis) {
    const make = (keyPrefix: string, points: number, duration: number, blockDuration = 0) =>
      redis
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${keyPrefix}`, points, duration, blockDuration })
        : new RateLimiterMemory({ keyPrefix, points, duration, blockDuration });
    this.loginIp = make('login-ip', settings.loginPerIpPerMinute, 60);
    this.loginAccount = make('login-account', settings.loginFailuresPerAccount, 15 * 60, 15 * 60);
    this.publicToken = make('public-token', settings.publicTokenPerIpPerMinute, 60);
    this.apiKey = make('api-key', settings.apiKeyPerMinute, 60);
  }

  async loginAttempt(ip: string, account: string): Promise<{ delayMs: number }> {
    await consume(this.loginIp, ip, 'sign-in attempts');
    const state = await this.loginAccount.get(account.toLowerCase());
    const failures = state?.consumedPoints ?? 0;
    if (state && state.remainingPoints <= 0) throw rateLimited(Math.ceil(state.msBeforeNext / 1000), 'failed sign-ins for this account');
    // Each earlier failure slows the next attempt a little: brute force gets slowed, then refused.
    return { delayMs: Math.min(failures * 250, 2000) };
  }

  async loginFailed(account: string): Promise<void> {
    await this.loginAccount.penalty(account.toLowerCase(), 1).catch(() => undefined);
  }

  async loginSucceeded(account: string): Promise<void> {
    await this.loginAccount.delete(account.toLowerCase());
  }

  publicTokenAttempt(ip: string): Promise<void> {
    return consume(this.publicToken, ip, 'requests for confirmation links');
  }

  apiKeyRequest(apiKeyId: string): Promise<void> {
    return consume(this.apiKey, apiKeyId, 'requests for this API key');
  }
}

async function consume(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key || 'unknown');
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)), what);
    throw error;
  }
}
