import path from 'node:path';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../kernel/rate-limits.js';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../common/errors.js';

export { ConfigError };

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root, whether running from src (tsx/vitest) or dist (node). */
export const REPO_ROOT = path.resolve(here, '../../..');

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  /** In production the dev mailbox (mail kept in the database, links readable) must be asked for. */
  devMailboxInProduction: boolean;
  mailFrom: string;
  /** Whom a supplier asks about a cancellation notice (the notice names it as the contact). */
  purchasingContact: string;
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
  /** Spreadsheet imports: where uploads are kept, the largest upload, records per sync call. */
  importDir: string;
  importMaxBytes: number;
  importChunkSize: number;
  runWorker: boolean;
  /** How often a job worker records that it is alive, and after how long silent its jobs are freed. */
  workerHeartbeatMs: number;
  workerStaleMs: number;
  /** Jobs one worker process runs at once (mail and webhook deliveries mostly wait on the network). */
  workerConcurrency: number;
  /** Largest query cost accepted (query-cost.ts), with list sizes from literals, variables and defaults. */
  queryMaxCost: number;
  logLevel: string;
  clientDist: string;
  /** ISO 4217 code every cross-currency figure and approval threshold is expressed in. */
  baseCurrency: string;
  /** Express 'trust proxy': which peers' X-Forwarded-For is believed. False: the socket's peer is the client. */
  trustProxy: boolean | number | string;
  /** How far back the partner event feed reaches (the audit trail itself is kept for good). */
  eventRetentionDays: number;
  /** Key (base64/hex, 32 bytes) that encrypts stored webhook secrets; required in production (common/secret-box.ts). */
  secretsKey: string | undefined;
  /** `host[:port]` (lower case) that webhooks may reach although private, loopback or link-local. */
  webhookAllowedHosts: string[];
  /** Waits between failed webhook attempts, in ms; its length is the number of retries. */
  webhookRetrySchedule: number[];
  /**
   * Whether the process that commits events sends their first webhook attempts itself, right
   * after the commit (WEBHOOK_SEND_ON_COMMIT, default on); off: only the worker's jobs send.
   */
  webhookSendOnCommit: boolean;
  /** Attachments: largest upload in bytes (ATTACHMENT_MAX_BYTES), and the smaller one a customer may send. */
  attachmentMaxBytes: number;
  customerAttachmentMaxBytes: number;
  /** Local attachment folder (STORAGE_DIR); with S3_URL set it only holds uploads still arriving. */
  storageDir: string;
  /** S3-compatible storage, e.g. `https://KEY:SECRET@s3.example.com/bucket?region=cn-east-1` (path-style). */
  s3Url: string | undefined;
  /** Shown at the head of the printed dossier and its PDF (COMPANY_NAME). */
  companyName: string;
  /** The Chromium that renders dossier PDFs (CHROMIUM_PATH); when it is missing the print view is sent instead. */
  chromiumPath: string;
  /** Prometheus /metrics on its own port (METRICS_PORT); off when unset. One per process: API and worker on one host need different ports. */
  metricsPort: number | undefined;
  /** Single sign-on with OpenID Connect (OIDC_*); null when OIDC_ISSUER is unset. */
  oidc: OidcSettings | null;
  /** PASSWORD_SIGN_IN=off: only single sign-on (login refuses with a typed error). */
  passwordSignIn: boolean;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  roleClaim: string;
  departmentClaim: string;
  scopes: string;
}

/** PASSWORD_SIGN_IN=off leaves single sign-on the only way in: without OIDC_ISSUER nobody could sign in. */
function passwordSignIn(env: NodeJS.ProcessEnv): boolean {
  const on = bool(env.PASSWORD_SIGN_IN, true);
  if (!on && !env.OIDC_ISSUER?.trim())
    throw new ConfigError('PASSWORD_SIGN_IN=off needs single sign-on (OIDC_ISSUER): otherwise nobody could sign in.');
  return on;
}

/** OIDC_ISSUER turns single sign-on on; the client id comes with it (README "Single sign-on"). */
function oidcSettings(env: NodeJS.ProcessEnv, production: boolean): OidcSettings | null {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return null;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`OIDC_ISSUER must be the identity provider's issuer URL, got ${issuer}`);
  }
  // Plain HTTP would hand codes and tokens to anyone on the path: only for local tests and development.
  if (url.protocol !== 'https:' && (production || url.protocol !== 'http:'))
    throw new ConfigError(`OIDC_ISSUER must be an https:// URL${production ? ' in production' : ''}, got ${issuer}`);
  if (!env.OIDC_CLIENT_ID) throw new ConfigError('OIDC_ISSUER needs OIDC_CLIENT_ID (the client registered at the identity provider).');
  return {
    issuer,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET || undefined,
    roleClaim: env.OIDC_ROLE_CLAIM || 'roles',
    departmentClaim: env.OIDC_DEPARTMENT_CLAIM || 'department',
    scopes: env.OIDC_SCOPES?.trim() || 'openid email profile',
  };
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/**
 * TRUST_PROXY as Express's 'trust proxy' takes it: unset/0/false — believe no X-Forwarded-For
 * (rate limits count the socket's peer, even from loopback); true — believe every hop; a number
 * — that many hops; otherwise addresses/subnets/names such as `loopback, 10.0.0.0/8`.
 */
export function trustProxy(value: string | undefined): boolean | number | string {
  const text = (value ?? '').trim();
  if (text === '' || ['0', 'false', 'no', 'off'].includes(text.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(text.toLowerCase())) return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}

function seconds(value: string | undefined, fallback: number, name: string): number {
  const n = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds, got ${value}`);
  return Math.round(n * 1000);
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  const n = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number, got ${value}`);
  return n;
}

/**
 * Refuses a production server or worker without SMTP_URL: its mail would stay in the database as
 * the dev mailbox, live confirmation links included, and never reach a customer.
 */
export function assertMailConfigured(config: AppConfig): void {
  if (config.production && !config.smtpUrl && !config.devMailboxInProduction) {
    throw new ConfigError(
      'NODE_ENV=production needs SMTP_URL (e.g. smtp://user:pass@mail.example.com:587): without it mail is only kept in the ' +
        'database as the dev mailbox, confirmation links included, and never reaches customers. Set DEV_MAILBOX=1 to run a demo that way on purpose.',
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  const production = env.NODE_ENV === 'production';
  const baseCurrency = (env.BASE_CURRENCY || 'CNY').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(baseCurrency)) throw new Error(`BASE_CURRENCY must be an ISO 4217 code such as CNY, got ${env.BASE_CURRENCY}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    devMailboxInProduction: bool(env.DEV_MAILBOX, false),
    mailFrom: env.MAIL_FROM ?? 'ERP 订单终止 <no-reply@example.com>',
    purchasingContact: env.PURCHASING_CONTACT || `采购部 Purchasing department, ${env.MAIL_FROM ?? 'ERP 订单终止 <no-reply@example.com>'}`,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    // Demo data is on by default only for the embedded database.
    seedDemo: bool(env.SEED_DEMO, !databaseUrl && !production),
    production,
    dataDir: path.resolve(REPO_ROOT, env.DATA_DIR ?? '.data'),
    authSecret: env.AUTH_SECRET || undefined,
    tokenTtlSeconds: Number(env.TOKEN_TTL_SECONDS ?? 12 * 3600),
    confirmationValidityHours: Number(env.CONFIRMATION_VALIDITY_HOURS ?? 7 * 24),
    faultInjection: !production && bool(env.FAULT_INJECTION, false),
    bulkBatchSize: Math.max(1, Math.min(500, Number(env.BULK_BATCH_SIZE ?? 200))),
    importDir: path.resolve(REPO_ROOT, env.DATA_DIR ?? '.data', 'imports'),
    importMaxBytes: positiveInteger(env.IMPORT_MAX_BYTES, 50 * 1_048_576, 'IMPORT_MAX_BYTES'),
    importChunkSize: Math.min(500, positiveInteger(env.IMPORT_CHUNK_SIZE, 500, 'IMPORT_CHUNK_SIZE')),
    rateLimits: {
      loginPerIpPerMinute: Number(env.RATE_LIMIT_LOGIN_PER_IP ?? DEFAULT_RATE_LIMITS.loginPerIpPerMinute),
      loginFailuresPerAccount: Number(env.RATE_LIMIT_LOGIN_FAILURES ?? DEFAULT_RATE_LIMITS.loginFailuresPerAccount),
      loginFailuresPerIpPerHour: Number(env.RATE_LIMIT_LOGIN_FAILURES_PER_IP ?? DEFAULT_RATE_LIMITS.loginFailuresPerIpPerHour),
      publicTokenPerIpPerMinute: Number(env.RATE_LIMIT_PUBLIC_PER_IP ?? DEFAULT_RATE_LIMITS.publicTokenPerIpPerMinute),
      apiKeyPerMinute: Number(env.RATE_LIMIT_API_KEY ?? DEFAULT_RATE_LIMITS.apiKeyPerMinute),
    },
    runWorker: bool(env.RUN_WORKER, true),
    workerHeartbeatMs: seconds(env.WORKER_HEARTBEAT_SECONDS, 10, 'WORKER_HEARTBEAT_SECONDS'),
    workerStaleMs: seconds(env.WORKER_STALE_SECONDS, 30, 'WORKER_STALE_SECONDS'),
    workerConcurrency: positiveInteger(env.WORKER_CONCURRENCY, 8, 'WORKER_CONCURRENCY'),
    // The SPA's heaviest screen (two lists of 100 follow-up tasks with their cards) costs about
    // 48 000; twelve copies of a heavy 100-order page cost over 100 000.
    queryMaxCost: Math.max(1, Number(env.QUERY_MAX_COST ?? 60_000) || 60_000),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    clientDist: path.resolve(REPO_ROOT, 'client/dist'),
    baseCurrency,
    trustProxy: trustProxy(env.TRUST_PROXY),
    eventRetentionDays: positiveInteger(env.EVENT_RETENTION_DAYS, 90, 'EVENT_RETENTION_DAYS'),
    secretsKey: env.SECRETS_KEY || undefined,
    webhookAllowedHosts: (env.WEBHOOK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    webhookRetrySchedule: retrySchedule(env.WEBHOOK_RETRY_SCHEDULE),
    webhookSendOnCommit: bool(env.WEBHOOK_SEND_ON_COMMIT, true),
    attachmentMaxBytes: positiveInteger(env.ATTACHMENT_MAX_BYTES, 20 * 1024 * 1024, 'ATTACHMENT_MAX_BYTES'),
    // The public confirmation page accepts less: a signed letter, not a data dump.
    customerAttachmentMaxBytes: Math.min(
      positiveInteger(env.ATTACHMENT_MAX_BYTES, 20 * 1024 * 1024, 'ATTACHMENT_MAX_BYTES'),
      5 * 1024 * 1024,
    ),
    storageDir: path.resolve(REPO_ROOT, env.STORAGE_DIR ?? path.join(env.DATA_DIR ?? '.data', 'attachments')),
    s3Url: env.S3_URL || undefined,
    companyName: (env.COMPANY_NAME ?? '').trim().slice(0, 120) || 'Order Termination',
    chromiumPath: env.CHROMIUM_PATH || '/usr/bin/chromium',
    metricsPort: env.METRICS_PORT ? portNumber(env.METRICS_PORT, 'METRICS_PORT') : undefined,
    oidc: oidcSettings(env, production),
    passwordSignIn: passwordSignIn(env),
  };
}

function portNumber(value: string, name: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${name} must be a port number, got ${value}`);
  return port;
}

/**
 * About three days of retries (Svix-like, see README "Webhooks"): 5 s, 1 min, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 14 h, 20 h, 20 h. WEBHOOK_RETRY_SCHEDULE overrides it with comma-separated
 * durations such as `1s,2s,5m,1h` (tests use short ones).
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,1m,5m,30m,2h,5h,10h,14h,20h,20h';

function retrySchedule(value: string | undefined): number[] {
  const text = value?.trim() || DEFAULT_WEBHOOK_RETRY_SCHEDULE;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return text.split(',').map((part) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(part.trim());
    if (!match) throw new Error(`WEBHOOK_RETRY_SCHEDULE must be durations such as 5s,1m,2h; got ${value}`);
    return Math.round(Number(match[1]) * unit[match[2]!]!);
  });
}
