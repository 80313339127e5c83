import type { RequestContext } from '../../kernel/context.js';
import { actorName, type DomainEvents } from '../../kernel/domain-events.js';
import { NotFoundError, refuse, resultOf, ValidationError } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { pageRequest, toConnection } from '../../common/pagination.js';
import { inTransaction } from '../../kernel/transaction.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { User } from '../identity/user.entity.js';
import { completeSettlement } from '../settlement/settlement.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import { guardCompleteFollowUp } from '../termination/termination-policy.js';
import { FollowUpKind, FollowUpStatus, FollowUpTask } from './follow-up-task.entity.js';
import type { CompleteFollowUpTaskInput, FollowUpTaskFilter } from './follow-up.types.js';

/** How much structured data one completion may carry (as JSON text). */
const MAX_DATA_LENGTH = 10_000;

/** The departments' work after a termination took effect (opened by the effect, see follow-up-tasks.ts). */
export class FollowUpService {
  constructor(
    private readonly lifecycle: TerminationLifecycle,
    private readonly events: DomainEvents,
  ) {}

  async complete(ctx: RequestContext, input: CompleteFollowUpTaskInput) {
    const taskId = parseId(input.taskId, 'taskId');
    const claim = idempotencyClaim(ctx, 'completeFollowUpTask', input.idempotencyKey, input);
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const found = await scope.em.findOne(FollowUpTask, { id: taskId });
        if (!found) refuse(NotFoundError, 'NOT_FOUND', 'No such follow-up task.');
        const t = (await lockTermination(scope, found.termination.id))!;
        const task = await scope.em.findOneOrFail(FollowUpTask, { id: taskId }, { refresh: true });
        const replay = claim && (await findReplay(scope.em, claim));
        if (replay) return { task, terminationClosed: Boolean(replay.terminationClosed) };
        guardCompleteFollowUp(ctx.actor, task, t);
        const note = input.note.trim();
        if (!note) refuse(ValidationError, 'VALIDATION_FAILED', 'Say what was done in the note.');
        const data = input.data ?? null;
        if (data && JSON.stringify(data).length > MAX_DATA_LENGTH) {
          refuse(ValidationError, 'VALIDATION_FAILED', `The data may be at most ${MAX_DATA_LENGTH} characters of JSON.`);
        }
        if (task.kind === FollowUpKind.CUSTOMER_OUTCOME && !input.outcome) {
          refuse(ValidationError, 'VALIDATION_FAILED', 'Choose the outcome agreed with the customer.');
        }
        task.status = FollowUpStatus.DONE;
        task.note = note;
        task.completedAt = new Date();
        task.completedBy = ctx.actor?.kind === 'user' ? scope.em.getReference(User, ctx.actor.userId) : null;
        task.completedByName = actorName(ctx.actor).slice(0, 200);
        if (input.outcome) task.outcome = input.outcome;
        if (input.outcomeDetails !== undefined) task.outcomeDetails = input.outcomeDetails?.trim() || null;
        if (data) task.data = data;
        if (task.kind === FollowUpKind.SETTLEMENT) await completeSettlement(scope, t);
        await this.events.terminationChanged(
          scope,
          t,
          ctx.actor,
          'followup.completed',
          {
            kind: task.kind,
            department: task.department,
            note,
            outcome: task.outcome ?? null,
            outcomeDetails: task.outcomeDetails ?? null,
            ...(data ? { data } : {}),
          },
          { entity: { type: 'FollowUpTask', id: task.id }, departments: [task.department], taskId: task.id },
        );
        const open = await scope.em.count(FollowUpTask, { termination: t, status: FollowUpStatus.OPEN, id: { $ne: task.id } });
        let terminationClosed = false;
        if (open === 0) {
          await this.lifecycle.apply(scope, t, 'ALL_TASKS_DONE', ctx.actor);
          terminationClosed = true;
        }
        if (claim) await saveReplay(scope.em, claim, { taskId: task.id, terminationClosed });
        return { task, terminationClosed };
      }),
    );
  }

  async list(ctx: RequestContext, filter: FollowUpTaskFilter | null | undefined, first?: number | null, after?: string | null) {
    const page = pageRequest(first, after);
    const where: Record<string, unknown> = {};
    if (filter?.department) where.department = filter.department;
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.terminationId) where.termination = parseId(filter.terminationId, 'terminationId');
    if (filter?.overdue) Object.assign(where, { status: FollowUpStatus.OPEN, dueAt: { $lt: new Date() } });
    const totalCount = await ctx.em.count(FollowUpTask, where);
    if (page.after) {
      const [dueAt, id] = page.after;
      where.$or = [{ dueAt: { $gt: new Date(dueAt) } }, { dueAt: new Date(dueAt), id: { $gt: id } }];
    }
    const rows = await ctx.em.find(FollowUpTask, where, { orderBy: { dueAt: 'asc', id: 'asc' }, limit: page.limit + 1 });
    return toConnection(rows, page, totalCount, (task) => task.dueAt.toISOString());
  }
}
