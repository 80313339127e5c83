/** Events of approval steps (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'approval.approved': { stage: number; department: string; comment: string | null };
    'approval.rejected': { stage: number; department: string; comment: string | null };
    /** The next stage of the route opened after the previous one was approved in full. */
    'approval.stage_activated': { stage: number; departments: string[] };
    'approval.overdue': { department: string; dueAt: string };
  }
}
export {};
