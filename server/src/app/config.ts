import path from 'node:path';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './rate-limits.js';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root, whether running from src (tsx/vitest) or dist (node). */
export const REPO_ROOT = path.resolve(here, '../../..');

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  seedDemo: boolean;
  production: boolean;
  dataDir: string;
  authSecret: string | undefined;
  tokenTtlSeconds: number;
  confirmationValidityHours: number;
  /** Test-only hooks that make named steps fail; never on in production. */
  faultInjection: boolean;
  rateLimits: RateLimitSettings;
  bulkBatchSize: number;
  runWorker: boolean;
  /** Largest query cost accepted (query-cost.ts), with list sizes from literals, variables and defaults. */
  queryMaxCost: number;
  logLevel: string;
  clientDist: string;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  const production = env.NODE_ENV === 'production';
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'ERP 订单终止 <no-reply@example.com>',
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    // Demo data is on by default only for the embedded database.
    seedDemo: bool(env.SEED_DEMO, !databaseUrl && !production),
    production,
    dataDir: path.resolve(REPO_ROOT, env.DATA_DIR ?? '.data'),
    authSecret: env.AUTH_SECRET || undefined,
    tokenTtlSeconds: Number(env.TOKEN_TTL_SECONDS ?? 12 * 3600),
    confirmationValidityHours: Number(env.CONFIRMATION_VALIDITY_HOURS ?? 7 * 24),
    faultInjection: !production && bool(env.FAULT_INJECTION, false),
    bulkBatchSize: Math.max(1, Math.min(500, Number(env.BULK_BATCH_SIZE ?? 50))),
    rateLimits: {
      loginPerIpPerMinute: Number(env.RATE_LIMIT_LOGIN_PER_IP ?? DEFAULT_RATE_LIMITS.loginPerIpPerMinute),
      loginFailuresPerAccount: Number(env.RATE_LIMIT_LOGIN_FAILURES ?? DEFAULT_RATE_LIMITS.loginFailuresPerAccount),
      publicTokenPerIpPerMinute: Number(env.RATE_LIMIT_PUBLIC_PER_IP ?? DEFAULT_RATE_LIMITS.publicTokenPerIpPerMinute),
      apiKeyPerMinute: Number(env.RATE_LIMIT_API_KEY ?? DEFAULT_RATE_LIMITS.apiKeyPerMinute),
    },
    runWorker: bool(env.RUN_WORKER, true),
    // The SPA's heaviest screen (two lists of 100 follow-up tasks with their cards) costs about
    // 48 000; twelve copies of a heavy 100-order page cost over 100 000.
    queryMaxCost: Math.max(1, Number(env.QUERY_MAX_COST ?? 60_000) || 60_000),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    clientDist: path.resolve(REPO_ROOT, 'client/dist'),
  };
}
