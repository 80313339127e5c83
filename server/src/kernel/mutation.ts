import { resultOf } from '../common/business-errors.js';
import type { RequestContext } from './context.js';
import type { DomainEvent, DomainEvents, DomainEventType, DomainEventTypes, EventSubject } from './domain-events.js';
import { findReplay, idempotencyClaim, saveReplay, type IdempotencyClaim } from './idempotency.js';
import { inTransaction, type TransactionScope } from './transaction.js';

/** A mutation's transaction: the request's idempotency key and its actor's events at hand. */
export interface MutationScope extends TransactionScope {
  /**
   * What the first request with this key stored, or null when the key is new (or none was
   * given). Ask once the change holds the lock it is serialised on, so a racing twin waits.
   */
  replayed(): Promise<Record<string, unknown> | null>;
  /** Stores, with the change, what a retry with this key answers from (ids); nothing without a key. */
  remember(result: Record<string, unknown>): Promise<void>;
  /** Records an event the request's actor caused (DomainEvents.record). */
  record<K extends DomainEventType>(type: K, data: DomainEventTypes[K], subject?: EventSubject): Promise<DomainEvent<K>>;
  /**
   * A change the request's actor made to a termination: its version moves on and the event is
   * recorded (DomainEvents.terminationChanged). The caller holds the termination's row lock.
   */
  terminationChanged<K extends DomainEventType>(
    t: { id: string; number: string; status: string; version: number },
    type: K,
    data: DomainEventTypes[K],
    subject?: Omit<EventSubject, 'termination'>,
  ): Promise<DomainEvent<K>>;
  /** The process's domain events, for shared steps that record their own (with their own actor). */
  events: DomainEvents;
}

/** One mutation request: `transaction` runs its change. */
export interface Mutation {
  transaction<T>(fn: (scope: MutationScope) => Promise<T>): Promise<T>;
}

/**
 * The frame of every mutation that changes state, so that services do not write it by hand:
 * `fn` checks the input and runs the change in `m.transaction` (retried on serialization
 * conflicts); a Refusal thrown anywhere in it is returned as the mutation's error result; a retry
 * with the same idempotency key is answered from what the first run remembered, the same key with
 * other input is refused. `operation` (the mutation's name) scopes the key.
 */
export function mutation<T>(
  ctx: RequestContext,
  operation: string,
  input: { idempotencyKey?: string | null },
  fn: (m: Mutation) => Promise<T>,
) {
  const claim = idempotencyClaim(ctx, operation, input.idempotencyKey, input);
  return resultOf(() => fn({ transaction: (change) => inTransaction(ctx, (scope) => change(mutationScope(ctx, scope, claim))) }));
}

function mutationScope(ctx: RequestContext, scope: TransactionScope, claim: IdempotencyClaim | null): MutationScope {
  const events = ctx.services.domainEvents;
  return {
    ...scope,
    events,
    replayed: async () => (claim ? findReplay(scope.em, claim) : null),
    remember: async (result) => {
      if (claim) await saveReplay(scope.em, claim, result);
    },
    record: (type, data, subject) => events.record(scope, ctx.actor, type, data, subject),
    terminationChanged: (t, type, data, subject) => events.terminationChanged(scope, t, ctx.actor, type, data, subject),
  };
}
