/** Events of spreadsheet imports (data as recorded in the event log). */
declare module '../../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /** An import run finished: its records' counts by outcome, the file and who uploaded it. */
    'import.completed': {
      runId: string;
      kind: string;
      source: string;
      fileName: string;
      requestedBy: string;
      total: number;
      created: number;
      updated: number;
      unchanged: number;
      stale: number;
      rejected: number;
    };
  }
}
export {};
