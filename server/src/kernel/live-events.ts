import type { AppPubSub } from './pubsub.js';

export const TOPICS = {
  terminationChanged: 'TERMINATION_CHANGED',
  approvalBoardChanged: 'APPROVAL_BOARD_CHANGED',
  followUpTaskChanged: 'FOLLOW_UP_TASK_CHANGED',
  notificationAdded: 'NOTIFICATION_ADDED',
  bulkRunChanged: 'BULK_RUN_CHANGED',
  importRunChanged: 'IMPORT_RUN_CHANGED',
  credentialsEnded: 'CREDENTIALS_ENDED',
  staffMailPreferencesChanged: 'STAFF_MAIL_PREFERENCES_CHANGED',
  terminationCommentChanged: 'TERMINATION_COMMENT_CHANGED',
} as const;

/** A comment written or edited in a termination's thread (readers fetch the thread again). */
export interface CommentChangedEvent {
  kind: 'ADDED' | 'EDITED';
  terminationId: string;
  commentId: string;
  version: number;
  authorName: string;
  at: string;
}

export interface BulkRunEvent {
  runId: string;
  status: string;
  total: number;
  created: number;
  skipped: number;
  failed: number;
  at: string;
}

/**
 * A spreadsheet import moved (status or counts). `progress` is what the writing transaction
 * itself committed: a subscriber that re-read the row could see a later chunk's counts first.
 */
export interface ImportRunEvent {
  runId: string;
  progress: ImportRunProgress;
}

/** The moving part of an import run, as one transaction left it. */
export interface ImportRunProgress {
  status: string;
  totalRecords: number;
  validatedRecords: number;
  invalidRecords: number;
  processedRecords: number;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  rejected: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Credentials that stopped being valid: instances drop what they cached and close live sockets. */
export type CredentialsEnded =
  | { kind: 'session'; sessionId: string }
  | { kind: 'user'; userId: string; exceptSessionId?: string }
  | { kind: 'apiKey'; apiKeyId: string; prefix: string };

/** Plain, serializable event data (survives Redis); subscribers re-check who may see it. */
export interface LiveTerminationEvent {
  kind: string;
  terminationId: string;
  number: string;
  oldStatus: string | null;
  newStatus: string;
  /** Departments whose boards or checklists this concerns. */
  departments: string[];
  stepId: string | null;
  taskId: string | null;
  actorName: string;
  at: string;
}

export interface NotificationEvent {
  notificationId: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  at: string;
}

export class EventPublisher {
  constructor(private readonly pubSub: AppPubSub) {}

  termination(event: LiveTerminationEvent): void {
    this.pubSub.publish(TOPICS.terminationChanged, event);
    // Boards follow every change of their terminations: new cards, decisions, and cards that
    // leave because the termination was withdrawn, rejected or moved on.
    this.pubSub.publish(TOPICS.approvalBoardChanged, event);
    if (event.taskId || event.kind === 'termination.effective') this.pubSub.publish(TOPICS.followUpTaskChanged, event);
  }

  notification(event: NotificationEvent): void {
    this.pubSub.publish(TOPICS.notificationAdded, event);
  }

  comment(event: CommentChangedEvent): void {
    this.pubSub.publish(TOPICS.terminationCommentChanged, event);
  }

  bulkRun(event: BulkRunEvent): void {
    this.pubSub.publish(TOPICS.bulkRunChanged, event);
  }

  importRun(event: ImportRunEvent): void {
    this.pubSub.publish(TOPICS.importRunChanged, event);
  }

  /** Every instance forgets what it verified of these credentials and closes their sockets. */
  credentialsEnded(event: CredentialsEnded): void {
    this.pubSub.publish(TOPICS.credentialsEnded, event);
  }

  /** Every instance drops its copy of who opted in to staff mail (see StaffMailDirectory). */
  staffMailPreferencesChanged(): void {
    this.pubSub.publish(TOPICS.staffMailPreferencesChanged, {});
  }

  /** Events of a topic that pass `accept` (checked per subscriber when the event is published). */
  subscribe<T>(topic: string, accept?: (payload: T) => boolean): AsyncIterableIterator<T> {
    return this.pubSub.subscribe<T>(topic, accept);
  }
}
