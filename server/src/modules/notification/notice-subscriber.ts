import type { DomainEvent, DomainEventType, EventSubscriber } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { Termination } from '../termination/termination.entity.js';

type Handlers = { [K in DomainEventType]?: (scope: TransactionScope, event: DomainEvent<K>) => Promise<void> };

/**
 * A subscriber whose reactions are in-app notices: they are rows written in the event's
 * transaction, so they exist exactly when the change does. One handler per event type it hears.
 */
export function noticeSubscriber(name: string, handlers: Handlers): EventSubscriber {
  return {
    name,
    types: Object.keys(handlers) as DomainEventType[],
    async inTransaction(scope, event) {
      const handle = handlers[event.type] as ((scope: TransactionScope, event: DomainEvent) => Promise<void>) | undefined;
      await handle?.(scope, event);
    },
  };
}

/** The termination an event is about; the changing transaction has it loaded and locked already. */
export async function terminationOf(scope: TransactionScope, event: DomainEvent): Promise<Termination> {
  return scope.em.findOneOrFail(Termination, { id: event.termination!.id });
}

export function terminationLink(t: Pick<Termination, 'number'>): string {
  return `/terminations/${t.number}`;
}
