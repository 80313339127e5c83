import type { MessageAccepted } from '../notification/notification.events.js';

/** Events of purchasing (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /** The mail server accepted a PO's cancellation notice: the moment the supplier was told. */
    'supplier.notified': MessageAccepted & { purchaseOrder: string; action: string; supplier: string };
  }
}
