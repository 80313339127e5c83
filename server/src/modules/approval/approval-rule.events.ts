/** Events of the approval policy (data as recorded in the event log). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'approval_rule.created': { code: string; condition: object };
    'approval_rule.updated': {
      code: string;
      before: { department: string; stage: number; condition: object; slaHours: number; active: boolean };
    };
  }
}
export {};
