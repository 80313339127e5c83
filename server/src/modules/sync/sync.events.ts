/** Events of the ERP sync (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /**
     * One call of syncRecords with its counts by outcome; `applied` is false when
     * REJECT_EVERYTHING met a rejected row and wrote nothing (the counts say what would have been).
     */
    'sync.completed': {
      source: string;
      errorPolicy: string;
      applied: boolean;
      created: number;
      updated: number;
      unchanged: number;
      stale: number;
      rejected: number;
      /** The first row errors of the call (at most 20). */
      errors?: { kind: string; index: number; externalId: string; path: string; code: string; message: string }[];
    };
  }
}
export {};
