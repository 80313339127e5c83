/** Events of messages to customers (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /** The mail server accepted a customer notice: the moment the customer was told. */
    'customer.notified': {
      kind: string;
      channel: string;
      recipient: string;
      messageId: string;
      sentAt: string | null;
      transport: string;
    };
  }
}
export {};
