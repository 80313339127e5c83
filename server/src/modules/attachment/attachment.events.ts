/** Events of attachments (data as recorded in the event log: what was attached, never the bytes). */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'attachment.added': {
      attachmentId: string;
      name: string;
      contentType: string;
      size: number;
      sha256: string;
      /** The follow-up task it belongs to, when not the termination itself. */
      followUpTaskId: string | null;
    };
  }
}
export {};
