/** Events of exchange rates (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'exchange_rate.set': { currency: string; baseCurrency: string; rate: string; validFrom: string; previousRate: string | null };
    'exchange_rate.deleted': { currency: string; baseCurrency: string; rate: string; validFrom: string };
  }
}
export {};
