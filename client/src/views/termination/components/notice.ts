/** What the timeline shows of one notice a termination sent (to the customer or a supplier). */
export interface Notice {
  id: string;
  recipient?: string | null;
  subject?: string | null;
  messageId?: string | null;
  status?: string | null;
  queuedAt: string;
  sentAt?: string | null;
  lastError?: string | null;
}
