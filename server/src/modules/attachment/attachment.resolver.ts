import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { Attachment } from './attachment.entity.js';

@Resolver(() => Attachment)
export class AttachmentResolver {
  @FieldResolver(() => String, { description: 'GET it with the same Authorization header as the API' })
  downloadUrl(@Root() attachment: Attachment, @Ctx() ctx: RequestContext): string {
    return ctx.services.attachments.downloadUrl(attachment.id);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The follow-up task it belongs to, when not the termination itself' })
  followUpTaskId(@Root() attachment: Attachment): string | null {
    return attachment.followUpTask?.id ?? null;
  }
}

@Resolver(() => Termination)
export class TerminationAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: 'Its files and its follow-up tasks’ files, oldest first' })
  attachments(@Root() t: Termination, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return ctx.loaders.children(Attachment, 'termination', t.id);
  }
}

@Resolver(() => FollowUpTask)
export class FollowUpTaskAttachmentsResolver {
  @FieldResolver(() => [Attachment], { description: 'Files attached to this task, oldest first' })
  attachments(@Root() task: FollowUpTask, @Ctx() ctx: RequestContext): Promise<Attachment[]> {
    return ctx.loaders.children(Attachment, 'followUpTask', task.id);
  }
}
