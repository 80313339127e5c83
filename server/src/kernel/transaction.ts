import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from './context.js';
import type { Logger } from './logger.js';

/** One transaction's entity manager, with work hooked to its end. */
export interface TransactionScope {
  em: EntityManager;
  /**
   * Work to do last inside the transaction, once the caller's work is done and flushed (e.g.
   * set-based rows about everything the transaction recorded); a failure rolls it all back.
   */
  beforeCommit(fn: () => Promise<void>): void;
  /** Work to do once the transaction has committed (publishing events); dropped on rollback. */
  afterCommit(fn: () => void | Promise<void>): void;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

export class RetriesExhaustedError extends Error {
  constructor(cause: unknown) {
    super('The database stayed too busy to complete this change; try again.', { cause });
  }
}

function sqlState(error: unknown): string | undefined {
  let current = error as { code?: string; previous?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current.code && /^[0-9A-Z]{5}$/.test(current.code)) return current.code;
    current = (current.previous ?? current.cause) as typeof current;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== '23505') return false;
  return !constraint || String((error as Error).message).includes(constraint);
}

/**
 * Runs `fn` in one database transaction on a fresh fork. Serialization failures and
 * deadlocks are retried a bounded number of times; after-commit work runs only on success.
 */
export async function inTransaction<T>(ctx: RequestContext, fn: (scope: TransactionScope) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inScope(ctx.em.fork(), ctx.logger, fn);
    } catch (error) {
      const state = sqlState(error);
      if (state && RETRYABLE.has(state)) {
        if (attempt < MAX_ATTEMPTS) {
          ctx.logger.warn({ state, attempt }, 'transaction conflict, retrying');
          await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
          continue;
        }
        throw new RetriesExhaustedError(error);
      }
      throw error;
    }
  }
}

/**
 * One transaction on `em` (no retry), with a scope whose after-commit work runs once it has
 * committed; a failure there is logged, never thrown (the change itself is done).
 */
export async function inScope<T>(em: EntityManager, logger: Logger, fn: (scope: TransactionScope) => Promise<T>): Promise<T> {
  const pending: (() => void | Promise<void>)[] = [];
  const result = await em.transactional(async (tx) => {
    const last: (() => Promise<void>)[] = [];
    const value = await fn({ em: tx, beforeCommit: (f) => last.push(f), afterCommit: (f) => pending.push(f) });
    // A hook may add another (e.g. by recording an event); it runs too, after a flush of its own.
    for (let i = 0; i < last.length; i++) {
      await tx.flush();
      await last[i]!();
    }
    return value;
  });
  for (const f of pending) {
    try {
      await f();
    } catch (error) {
      logger.error({ err: error }, 'after-commit work failed');
    }
  }
  return result;
}
