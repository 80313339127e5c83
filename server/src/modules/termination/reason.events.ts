/** Events of termination reasons (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'reason.created': { code: string; fault: string };
    'reason.updated': { code: string; before: { labelZh: string; labelEn: string; active: boolean; fault: string }; fault: string };
  }
}
export {};
