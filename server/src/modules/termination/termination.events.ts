import type { TerminationEvent, TerminationStatus } from '@ot/shared';
import type { EffectBlocker } from './termination.entity.js';

/** Data of a status change: where from, where to, the event of the transition table, and what the caller adds. */
export interface TransitionData {
  from: TerminationStatus;
  to: TerminationStatus;
  event: TerminationEvent;
  [extra: string]: unknown;
}

/** One event type per status a termination can enter: `termination.effective`, `termination.closed`, … */
type TransitionEvents = { [S in TerminationStatus as `termination.${Lowercase<S>}`]: TransitionData };

/** Events of terminations (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes extends TransitionEvents {
    'termination.submitted': {
      order: string;
      reason: string;
      fault: string;
      cancellationFee: string;
      scope: string;
      lines: { lineNo: number; sku: string; quantity: number }[];
      /** `stage:DEPARTMENT`, in route order. */
      route: string[];
      customerConfirmationRequired: boolean;
    };
    'termination.effect_blocked': { blockers: EffectBlocker[] };
    'termination.effect_applied': {
      orderStatus: string;
      purchaseOrders: { number: string; action: string; lines: { sku: string; before: number; cancelled: number; after: number }[] }[];
      reservationsReleased: { sku: string; warehouse: string; quantity: number }[];
      settlement: { kind: string; refundDue: string; fee: string };
      tasks: string[];
    };
    'termination.fee_adjusted': {
      from: string;
      to: string;
      contractFee: string;
      reason: string;
      refundDue: string;
      feeOutstanding: string;
      currency: string;
    };
  }
}
