/** Events of the ERP sync (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /** One call of syncRecords that wrote (REJECT_FAILED_ROWS, or REJECT_EVERYTHING without a rejected row). */
    'sync.completed': {
      source: string;
      errorPolicy: string;
      created: number;
      updated: number;
      unchanged: number;
      stale: number;
      rejected: number;
    };
  }
}
export {};
