/** Who a comment names with @: users by id and name, departments by code (resolved when written). */
export interface CommentMentions {
  users: { userId: string; name: string }[];
  departments: string[];
}

/**
 * Events of comments on terminations (data as recorded in the event log). Each carries the full
 * text of its version, so the audit trail holds every version a comment ever had.
 */
declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'termination.comment_added': {
      commentId: string;
      version: number;
      body: string;
      mentions: CommentMentions;
      attachmentIds: string[];
    };
    'termination.comment_edited': {
      commentId: string;
      version: number;
      body: string;
      previousBody: string;
      mentions: CommentMentions;
      /** Mentioned by this version and not by the one before: the people told of the edit. */
      newlyMentioned: CommentMentions;
    };
  }
}
export {};
