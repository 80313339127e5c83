import type { GraphQLError } from 'graphql';
import { clientError } from '../common/errors.js';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  loginPerIpPerMinute: number;
  /** Failed sign-ins for one account from one source address before that pair waits out the window. */
  loginFailuresPerAccount: number;
  /** Failed sign-ins from one source address (any accounts) per hour: password spraying. */
  loginFailuresPerIpPerHour: number;
  publicTokenPerIpPerMinute: number;
  apiKeyPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  loginPerIpPerMinute: 30,
  loginFailuresPerAccount: 10,
  loginFailuresPerIpPerHour: 100,
  publicTokenPerIpPerMinute: 30,
  apiKeyPerMinute: 600,
};

/** Failures of one (account, address) pair that cost nothing: typos. */
export const LOGIN_FREE_FAILURES = 3;
/** The window in which failures of a pair count, and how long a pair that used them all up waits. */
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/** Wait after the n-th failure of a pair: none for the first few, then 1, 2, 4, 8 … seconds. */
export function loginBackoffSeconds(failures: number): number {
  if (failures < LOGIN_FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - LOGIN_FREE_FAILURES), LOGIN_FAILURE_WINDOW_SECONDS);
}

export function rateLimited(retryAfterSeconds: number, what: string): GraphQLError {
  return clientError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s.`, {
    retryAfter: retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}

/**
 * Counters for brute force and abuse. In memory by default; with Redis every instance
 * shares them.
 *
 * Sign-in (OWASP Authentication Cheat Sheet): failures count per (account, source address)
 * and per source address, never per account alone — an attacker hammering an account from
 * their address makes only their own address wait, while its owner signs in from anywhere
 * else. Each failure of a pair past the first few doubles the wait before that pair may try
 * again (refused with RATE_LIMITED and retryAfter, not by holding the request open, which
 * would cost us a connection and the attacker nothing).
 */
export class RateLimits {
  private readonly loginIp: RateLimiterAbstract;
  private readonly loginIpFailures: RateLimiterAbstract;
  private readonly loginPairFailures: RateLimiterAbstract;
  /** A pair's current wait: a key exists (blocked) until the pair may try again. */
  private readonly loginPairWait: RateLimiterAbstract;
  private readonly publicToken: RateLimiterAbstract;
  private readonly apiKey: RateLimiterAbstract;
  private readonly pairFailureLimit: number;
  private readonly ipFailureLimit: number;

  constructor(settings: RateLimitSettings, redis?: Redis) {
    const make = (keyPrefix: string, points: number, duration: number, blockDuration = 0) =>
      redis
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${keyPrefix}`, points, duration, blockDuration })
        : new RateLimiterMemory({ keyPrefix, points, duration, blockDuration });
    this.pairFailureLimit = Math.max(1, settings.loginFailuresPerAccount);
    this.loginIp = make('login-ip', settings.loginPerIpPerMinute, 60);
    this.ipFailureLimit = Math.max(1, settings.loginFailuresPerIpPerHour);
    this.loginIpFailures = make('login-ip-failures', this.ipFailureLimit, 3600);
    this.loginPairFailures = make('login-pair-failures', this.pairFailureLimit, LOGIN_FAILURE_WINDOW_SECONDS);
    this.loginPairWait = make('login-pair-wait', 1, 1);
    this.publicToken = make('public-token', settings.publicTokenPerIpPerMinute, 60);
    this.apiKey = make('api-key', settings.apiKeyPerMinute, 60);
  }

  /** Before checking a password: refuses the address, or this address for this account, while it must wait. */
  async loginAttempt(ip: string, account: string): Promise<void> {
    const pair = pairKey(ip, account);
    await consume(this.loginIp, ip, 'sign-in attempts');
    const [ipFailures, pairFailures, wait] = await Promise.all([
      this.loginIpFailures.get(ip || 'unknown'),
      this.loginPairFailures.get(pair),
      this.loginPairWait.get(pair),
    ]);
    if (ipFailures && ipFailures.consumedPoints >= this.ipFailureLimit) {
      throw rateLimited(seconds(ipFailures.msBeforeNext), 'failed sign-ins from this address');
    }
    if (pairFailures && pairFailures.consumedPoints >= this.pairFailureLimit) {
      throw rateLimited(seconds(pairFailures.msBeforeNext), 'failed sign-ins for this account from this address');
    }
    if (wait && wait.msBeforeNext > 0) throw rateLimited(seconds(wait.msBeforeNext), 'failed sign-ins for this account from this address');
  }

  async loginFailed(ip: string, account: string): Promise<void> {
    const pair = pairKey(ip, account);
    await this.loginIpFailures.penalty(ip || 'unknown', 1).catch(() => undefined);
    const failures = await this.loginPairFailures.penalty(pair, 1).catch(() => null);
    if (!failures) return;
    if (failures.consumedPoints >= this.pairFailureLimit) {
      // Used up: the pair waits out the whole window (counted from now).
      await this.loginPairFailures.block(pair, LOGIN_FAILURE_WINDOW_SECONDS);
      return;
    }
    const wait = loginBackoffSeconds(failures.consumedPoints);
    if (wait > 0) await this.loginPairWait.block(pair, wait);
  }

  async loginSucceeded(ip: string, account: string): Promise<void> {
    const pair = pairKey(ip, account);
    await Promise.all([this.loginPairFailures.delete(pair), this.loginPairWait.delete(pair)]);
  }

  publicTokenAttempt(ip: string): Promise<void> {
    return consume(this.publicToken, ip, 'requests for confirmation links');
  }

  apiKeyRequest(apiKeyId: string): Promise<void> {
    return consume(this.apiKey, apiKeyId, 'requests for this API key');
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** One account seen from one source address. */
function pairKey(ip: string, account: string): string {
  return `${ip || 'unknown'}|${account.toLowerCase()}`;
}

async function consume(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key || 'unknown');
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)), what);
    throw error;
  }
}
