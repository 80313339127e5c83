/**
 * What group robots (IM channels: WeCom, DingTalk, Feishu) announce, as domain event types:
 * approvals due, decisions, SLA breaches, comments with their mentions, and effect. The server
 * has a message for each (webhooks/im/im-message.ts) and refuses other types for IM endpoints;
 * the SPA offers only these to an IM endpoint.
 */
export const IM_EVENT_TYPES = [
  'termination.submitted',
  'approval.stage_activated',
  'approval.approved',
  'approval.rejected',
  'approval.overdue',
  'followup.overdue',
  'termination.comment_added',
  'termination.effective',
] as const;
export type ImEventType = (typeof IM_EVENT_TYPES)[number];

/** The API's `EventType` value of a domain event type: 'termination.effective' → 'TERMINATION_EFFECTIVE'. */
export function eventTypeName(type: string): string {
  return type.toUpperCase().replace(/\./g, '_');
}
