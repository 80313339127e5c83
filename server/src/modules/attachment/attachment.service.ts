import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { NotFoundError, refuse, Refusal } from '../../common/business-errors.js';
import { UUID_RE } from '../../common/errors.js';
import type { Actor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents, EventActor } from '../../kernel/domain-events.js';
import { inTransaction } from '../../kernel/transaction.js';
import { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { mayReadTermination } from '../termination/termination-policy.js';
import { guardAttachToTask, guardAttachToTermination } from './attachment-policy.js';
import { incomingDir, storageKey, type AttachmentStorage } from './attachment-storage.js';
import { judgeContent } from './attachment-types.js';
import { Attachment } from './attachment.entity.js';
import './attachment.events.js';
import { sanitiseFileName } from './file-name.js';
import { receiveUpload, UploadProblem, type ReceivedFile } from './multipart-upload.js';

/** A customer attaches at most this many files through one confirmation link. */
export const CUSTOMER_ATTACHMENTS_PER_LINK = 5;

interface Target {
  termination: Termination;
  task: FollowUpTask | null;
}

/** The HTTP status of a refusal raised by the policies. */
const STATUS_BY_CODE: Record<string, number> = {
  NOT_FOUND: 404,
  FORBIDDEN_ACTION: 403,
  NOT_YOUR_DEPARTMENT: 403,
  TOKEN_INVALID: 403,
  TOKEN_USED: 410,
  TOKEN_EXPIRED: 410,
  INVALID_TRANSITION: 409,
  VALIDATION_FAILED: 400,
};

export function asUploadProblem(error: unknown): UploadProblem | null {
  if (error instanceof UploadProblem) return error;
  if (error instanceof Refusal) {
    return new UploadProblem(STATUS_BY_CODE[error.result.code] ?? 400, error.result.code, error.result.message);
  }
  return null;
}

function id(value: string | undefined, field: string): string {
  if (!value || !UUID_RE.test(value)) throw new UploadProblem(400, 'VALIDATION_FAILED', `${field} is not a valid id.`);
  return value.toLowerCase();
}

/**
 * Files attached to terminations and follow-up tasks: received (multipart-upload.ts), judged by
 * their bytes (attachment-types.ts), renamed safely (file-name.ts), stored through the adapter,
 * recorded with the audited `attachment.added` event.
 */
export class AttachmentService {
  constructor(
    private readonly storage: AttachmentStorage,
    private readonly events: DomainEvents,
    private readonly limits: { maxBytes: number; customerMaxBytes: number; storageDir: string; publicUrl: string },
  ) {}

  /** A signed-in user's or key's upload: fields `terminationId` or `followUpTaskId`, then `file`. */
  async uploadByStaff(ctx: RequestContext & { actor: Actor }, req: IncomingMessage): Promise<Attachment> {
    const received = await receiveUpload(req, {
      maxBytes: this.limits.maxBytes,
      dir: incomingDir(this.limits.storageDir),
      beforeFile: (fields) => this.staffTarget(ctx, ctx.actor, fields),
    });
    return this.keep(ctx, ctx.actor, received);
  }

  /** The customer's upload on the confirmation page: field `token`, then `file`; a smaller allowance. */
  async uploadByCustomer(ctx: RequestContext, req: IncomingMessage): Promise<Attachment> {
    let email = '';
    const received = await receiveUpload(req, {
      maxBytes: this.limits.customerMaxBytes,
      dir: incomingDir(this.limits.storageDir),
      beforeFile: async (fields) => {
        // Counted like every other use of a link, so that tokens cannot be guessed through here.
        await ctx.services.rateLimits.publicTokenAttempt(ctx.ip);
        const found = await ctx.services.confirmations.view(ctx, fields.token ?? '');
        if (!('confirmation' in found)) throw new UploadProblem(STATUS_BY_CODE[found.code] ?? 403, found.code, found.message);
        const already = await ctx.em.count(Attachment, { termination: found.termination.id, uploadedByType: 'CUSTOMER' });
        if (already >= CUSTOMER_ATTACHMENTS_PER_LINK) {
          throw new UploadProblem(409, 'VALIDATION_FAILED', `At most ${CUSTOMER_ATTACHMENTS_PER_LINK} files can be sent with this link.`);
        }
        email = found.confirmation.recipient;
        return { termination: found.termination, task: null };
      },
    });
    return this.keep(ctx, { kind: 'customer', email }, received);
  }

  private async staffTarget(ctx: RequestContext, actor: Actor, fields: Record<string, string>): Promise<Target> {
    if (fields.followUpTaskId) {
      const task = await ctx.em.findOne(FollowUpTask, { id: id(fields.followUpTaskId, 'followUpTaskId') }, { populate: ['termination'] });
      if (!task) refuse(NotFoundError, 'NOT_FOUND', 'There is no such follow-up task.');
      guardAttachToTask(actor, task.department);
      return { termination: task.termination, task };
    }
    const termination = await ctx.em.findOne(Termination, { id: id(fields.terminationId, 'terminationId') });
    if (!termination) refuse(NotFoundError, 'NOT_FOUND', 'There is no such termination.');
    guardAttachToTermination(actor);
    return { termination, task: null };
  }

  /** Judges the received bytes, stores them and records the attachment; on any refusal nothing remains. */
  private async keep(ctx: RequestContext, actor: EventActor, received: ReceivedFile<Target>): Promise<Attachment> {
    const { target } = received;
    let stored: string | null = null;
    try {
      if (received.size === 0) throw new UploadProblem(400, 'VALIDATION_FAILED', 'The file is empty.');
      const type = await judgeContent(received.file, received.clientName, received.text);
      if (!type) {
        throw new UploadProblem(
          415,
          'UNSUPPORTED_FILE_TYPE',
          'This kind of file cannot be attached: PDF, images (PNG, JPEG, GIF, WebP), Word, Excel, PowerPoint, text and CSV can.',
        );
      }
      const attachmentId = crypto.randomUUID();
      const key = storageKey(attachmentId);
      await this.storage.put(key, received.file, type.mime);
      stored = key;
      const uploader = describe(actor);
      const saved = await inTransaction(ctx, async (scope) => {
        const row = scope.em.create(Attachment, {
          id: attachmentId,
          termination: scope.em.getReference(Termination, target.termination.id),
          followUpTask: target.task ? scope.em.getReference(FollowUpTask, target.task.id) : null,
          name: sanitiseFileName(received.clientName, type),
          contentType: type.mime,
          size: received.size,
          sha256: received.sha256,
          storageKey: key,
          ...uploader,
        });
        await scope.em.flush();
        const t = target.termination;
        await this.events.record(
          scope,
          actor,
          'attachment.added',
          {
            attachmentId,
            name: row.name,
            contentType: row.contentType,
            size: row.size,
            sha256: row.sha256,
            followUpTaskId: target.task?.id ?? null,
          },
          {
            termination: { id: t.id, number: t.number, status: t.status },
            departments: target.task ? [target.task.department] : [],
            taskId: target.task?.id ?? null,
            entity: { type: 'Attachment', id: attachmentId },
          },
        );
        return row;
      });
      stored = null;
      return saved;
    } finally {
      await fs.promises.rm(received.file, { force: true });
      // Stored but not recorded (the transaction failed): the bytes go too, leaving no orphan.
      if (stored) await this.storage.delete(stored).catch(() => undefined);
    }
  }

  /** Where the attachment is downloaded (GET /attachments/:id, with the same credentials as the API). */
  downloadUrl(attachmentId: string): string {
    return `${this.limits.publicUrl}/attachments/${attachmentId}`;
  }

  /** An attachment and its bytes, for whoever may read its termination. */
  async open(ctx: RequestContext, attachmentId: string): Promise<{ attachment: Attachment; body: Readable }> {
    if (!mayReadTermination(ctx.actor)) throw new UploadProblem(403, 'FORBIDDEN', 'Downloading attachments needs terminations:read.');
    if (!UUID_RE.test(attachmentId)) throw new UploadProblem(404, 'NOT_FOUND', 'There is no such attachment.');
    const attachment = await ctx.em.findOne(Attachment, { id: attachmentId.toLowerCase() });
    if (!attachment) throw new UploadProblem(404, 'NOT_FOUND', 'There is no such attachment.');
    return { attachment, body: await this.storage.get(attachment.storageKey) };
  }
}

function describe(actor: EventActor): Pick<Attachment, 'uploadedByType' | 'uploadedById' | 'uploadedBy'> {
  if (actor?.kind === 'user') return { uploadedByType: 'USER', uploadedById: actor.userId, uploadedBy: actor.name };
  if (actor?.kind === 'apiKey') return { uploadedByType: 'API_KEY', uploadedById: actor.apiKeyId, uploadedBy: actor.name };
  if (actor?.kind === 'customer') return { uploadedByType: 'CUSTOMER', uploadedById: null, uploadedBy: actor.email };
  return { uploadedByType: 'SYSTEM', uploadedById: null, uploadedBy: 'system' };
}
