/** Events of approval steps (data as recorded in the event log). */
interface ApprovalDecisionData {
  stage: number;
  department: string;
  comment: string | null;
  /** Present when a deputy decided: the head they stood in for. */
  onBehalfOf?: { userId: string; name: string };
}

interface DeputyData {
  department: string;
  head: { userId: string; name: string };
  deputy: { userId: string; name: string };
  startsAt: string;
  endsAt: string;
}

declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'approval.approved': ApprovalDecisionData;
    'approval.rejected': ApprovalDecisionData;
    /** A head named a deputy for a period [startsAt, endsAt). */
    'approval.deputy_set': DeputyData;
    /** A head (or an admin) withdrew a deputyship before its end. */
    'approval.deputy_cleared': DeputyData;
    /** The next stage of the route opened after the previous one was approved in full. */
    'approval.stage_activated': { stage: number; departments: string[] };
    /**
     * A step past due. `escalatedTo`: the deputies standing in for the department's head at that
     * moment — the overdue step is theirs to decide, and they are told (empty when none is named).
     */
    'approval.overdue': { department: string; dueAt: string; escalatedTo: { userId: string; name: string }[] };
  }
}
export {};
