/** Events of follow-up tasks (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    /** A department's task opened when its termination took effect. */
    'followup.opened': { kind: string; department: string; instructions: string; dueAt: string };
    'followup.completed': {
      kind: string;
      department: string;
      note: string;
      outcome: string | null;
      outcomeDetails: string | null;
      /** Structured data the completion carried (e.g. a WMS's release confirmation); absent when none. */
      data?: Record<string, unknown> | null;
    };
    'followup.overdue': { department: string; kind: string };
    /** A task got an owner (or lost it: assignee null). */
    'followup.assigned': {
      kind: string;
      department: string;
      assignee: { userId: string; name: string } | null;
      previousAssignee: { userId: string; name: string } | null;
    };
  }
}
export {};
