import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from './context.js';
import { IdempotencyKeyReusedError, refuse } from '../common/business-errors.js';
import { sha256Hex } from '../common/hash.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';

export const IDEMPOTENCY_TTL_HOURS = 24;

export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
  /**
   * Whether the last look (findReplay, replayFrom) found an expired record under this key, which
   * saving must replace; unknown (undefined) until looked.
   */
  expiredSeen?: boolean;
}

/** Canonical JSON: same input, same hash, whatever order the keys came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'idempotencyKey' && v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function idempotencyClaim(
  ctx: RequestContext,
  operation: string,
  key: string | null | undefined,
  input: unknown,
): IdempotencyClaim | null {
  if (!key) return null;
  const who = ctx.actor?.kind === 'user' ? ctx.actor.userId : ctx.actor?.kind === 'apiKey' ? ctx.actor.apiKeyId : 'anonymous';
  return {
    scope: `${operation}:${who}`,
    key,
    requestHash: sha256Hex(canonical(input)),
  };
}

/**
 * The stored result for this key, or null when the key is new. The same key with other
 * input is refused (Stripe's semantics); expired records count as new.
 */
export async function findReplay(em: EntityManager, claim: IdempotencyClaim): Promise<Record<string, unknown> | null> {
  const record = await em.findOne(
    IdempotencyRecord,
    { scope: claim.scope, key: claim.key, expiresAt: { $gt: new Date() } },
    { refresh: true },
  );
  // An expired record stays out of the identity map (saving inserts under its key), so whether one
  // exists is not known here: saveReplay deletes it blindly.
  return record ? replayFrom(record, claim) : null;
}

/** The record under the claim's key, read by the caller (e.g. with other facts in one statement). */
export type StoredRecord = Pick<IdempotencyRecord, 'requestHash' | 'result' | 'expiresAt'>;

/** findReplay's rule on a record the caller read: null when there is none or it expired. */
export function replayFrom(record: StoredRecord | null, claim: IdempotencyClaim, now = new Date()): Record<string, unknown> | null {
  claim.expiredSeen = !!record && record.expiresAt <= now;
  if (!record || claim.expiredSeen) return null;
  if (record.requestHash !== claim.requestHash) {
    refuse(IdempotencyKeyReusedError, 'IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with different input.');
  }
  return record.result;
}

/** Stores the result in the caller's transaction; a racing twin fails on the primary key. */
export async function saveReplay(em: EntityManager, claim: IdempotencyClaim, result: Record<string, unknown>): Promise<void> {
  // An expired record with the same key is replaced (no statement when the look found none).
  if (claim.expiredSeen !== false) {
    await em.nativeDelete(IdempotencyRecord, { scope: claim.scope, key: claim.key, expiresAt: { $lte: new Date() } });
  }
  em.create(IdempotencyRecord, {
    scope: claim.scope,
    key: claim.key,
    requestHash: claim.requestHash,
    result,
    expiresAt: new Date(Date.now() + IDEMPOTENCY_TTL_HOURS * 3_600_000),
  });
}
