import { describe, expect, it } from 'vitest';
import type { RequestContext } from './context.js';
import { inTransaction, RetriesExhaustedError } from './transaction.js';

/** A context whose transactions run the work and then fail at commit with the given SQLSTATEs, then succeed. */
function flakyContext(failures: string[]) {
  const calls = { attempts: 0 };
  const ctx = {
    logger: { warn: () => undefined, error: () => undefined },
    em: {
      fork: () => ({
        transactional: async (fn: (em: unknown) => Promise<unknown>) => {
          calls.attempts++;
          const result = await fn({});
          const code = failures.shift();
          if (code) throw Object.assign(new Error(`sqlstate ${code}`), { code });
          return result;
        },
      }),
    },
  } as unknown as RequestContext;
  return { ctx, calls };
}

describe('inTransaction', () => {
  it('retries serialization failures and deadlocks, then succeeds; after-commit work of failed attempts is dropped', async () => {
    const { ctx, calls } = flakyContext(['40001', '40P01']);
    let published = 0;
    const result = await inTransaction(ctx, async (scope) => {
      scope.afterCommit(() => {
        published++;
      });
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls.attempts).toBe(3);
    expect(published).toBe(1);
  });

  it('gives up after a bounded number of attempts with a clear error', async () => {
    const { ctx, calls } = flakyContext(['40001', '40001', '40001', '40001', '40001']);
    await expect(inTransaction(ctx, async () => 'never')).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(calls.attempts).toBe(4);
  });

  it('does not retry other errors, and runs no after-commit work for them', async () => {
    const { ctx, calls } = flakyContext(['23505']);
    let published = 0;
    await expect(
      inTransaction(ctx, async (scope) => {
        scope.afterCommit(() => {
          published++;
        });
      }),
    ).rejects.toThrow(/23505/);
    expect(calls.attempts).toBe(1);
    expect(published).toBe(0);
  });
});
