/** Events of bulk terminations (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'bulk.started': { productSku: string; reason: string };
  }
}
export {};
