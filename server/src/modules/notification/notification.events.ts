/** Where and when the mail server accepted a message: the moment its recipient was told. */
export interface MessageAccepted {
  channel: string;
  recipient: string;
  messageId: string;
  sentAt: string | null;
  transport: string;
}

/** Events of messages to customers (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /** The mail server accepted a customer notice: the moment the customer was told. */
    'customer.notified': MessageAccepted & { kind: string };
  }
}
