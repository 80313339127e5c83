/** Events of the customer's confirmation (data as recorded in the event log). */
interface LinkSent {
  recipient: string;
  expiresAt: string;
  deadlineDate: string | null;
  /** How many earlier links this one voided. */
  replaced: number;
}

interface CustomerAnswer {
  note: string | null;
  preferredResolution: string | null;
}

declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'confirmation.sent': LinkSent;
    'confirmation.reminder_sent': LinkSent;
    'confirmation.resent': Record<string, never>;
    'confirmation.reminded': { recipient: string };
    'confirmation.accepted': CustomerAnswer;
    'confirmation.declined': CustomerAnswer;
    /**
     * The link lapsed unanswered. `silenceMeans` is the contract's rule that then applies (the
     * `confirmation.silence` event follows), null when the requester must decide.
     */
    'confirmation.expired': { silenceMeans: string | null };
    'confirmation.silence': {
      summary: string;
      silenceMeans: string;
      contract: string;
      deadlineDate: string | null;
      expiresAt: string;
    };
  }
}
export {};
