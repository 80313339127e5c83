import type { RequestContext } from '../../kernel/context.js';
import { actorName } from '../../kernel/domain-events.js';
import { NotFoundError, refuse, ValidationError } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { pageRequest, toConnection } from '../../common/pagination.js';
import { mutation } from '../../kernel/mutation.js';
import { User } from '../identity/user.entity.js';
import { outcomesFor } from '@ot/shared';
import { Settlement } from '../settlement/settlement.entity.js';
import { completeSettlement, feeCollected } from '../settlement/settlement.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import { guardAssignFollowUp, guardCompleteFollowUp } from '../termination/termination-policy.js';
import { FollowUpKind, FollowUpStatus, FollowUpTask } from './follow-up-task.entity.js';
import type { AssignFollowUpTaskInput, CompleteFollowUpTaskInput, FollowUpTaskFilter } from './follow-up.types.js';

/** Who can own a task: the people who work it (an auditor only reads; admins belong to no department). */
const ASSIGNABLE_ROLES = new Set(['CLERK', 'DEPT_HEAD']);

/** How much structured data one completion may carry (as JSON text). */
const MAX_DATA_LENGTH = 10_000;

/** The departments' work after a termination took effect (opened by the effect, see follow-up-tasks.ts). */
export class FollowUpService {
  constructor(private readonly lifecycle: TerminationLifecycle) {}

  async complete(ctx: RequestContext, input: CompleteFollowUpTaskInput) {
    const taskId = parseId(input.taskId, 'taskId');
    return mutation(ctx, 'completeFollowUpTask', input, (m) =>
      m.transaction(async (scope) => {
        const found = await scope.em.findOne(FollowUpTask, { id: taskId });
        if (!found) refuse(NotFoundError, 'NOT_FOUND', 'No such follow-up task.');
        const t = (await lockTermination(scope, found.termination.id))!;
        const task = await scope.em.findOneOrFail(FollowUpTask, { id: taskId }, { refresh: true });
        const replay = await scope.replayed();
        if (replay) return { task, terminationClosed: Boolean(replay.terminationClosed) };
        guardCompleteFollowUp(ctx.actor, task, t);
        const note = input.note.trim();
        if (!note) refuse(ValidationError, 'VALIDATION_FAILED', 'Say what was done in the note.');
        const data = input.data ?? null;
        if (data && JSON.stringify(data).length > MAX_DATA_LENGTH) {
          refuse(ValidationError, 'VALIDATION_FAILED', `The data may be at most ${MAX_DATA_LENGTH} characters of JSON.`);
        }
        if (task.kind === FollowUpKind.CUSTOMER_OUTCOME) {
          if (!input.outcome) refuse(ValidationError, 'VALIDATION_FAILED', 'Choose the outcome agreed with the customer.');
          // The outcome must fit the money: no refund is recorded where nothing is refunded.
          const settlement = await scope.em.findOne(Settlement, { termination: t });
          if (!outcomesFor(settlement?.kind).includes(input.outcome)) {
            refuse(ValidationError, 'VALIDATION_FAILED', 'Nothing is refunded on this termination: choose an outcome other than a refund.');
          }
        }
        task.status = FollowUpStatus.DONE;
        task.note = note;
        task.completedAt = new Date();
        task.completedBy = ctx.actor?.kind === 'user' ? scope.em.getReference(User, ctx.actor.userId) : null;
        task.completedByName = actorName(ctx.actor).slice(0, 200);
        if (input.outcome) task.outcome = input.outcome;
        if (input.outcomeDetails !== undefined) task.outcomeDetails = input.outcomeDetails?.trim() || null;
        if (data) task.data = data;
        if (task.kind === FollowUpKind.SETTLEMENT) await completeSettlement(scope, scope.events, t);
        if (task.kind === FollowUpKind.FEE_COLLECTION) await feeCollected(scope, t);
        await scope.terminationChanged(
          t,
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
        await scope.remember({ taskId: task.id, terminationClosed });
        return { task, terminationClosed };
      }),
    );
  }

  /** Gives a task an owner of its department, or releases it (rules: guardAssignFollowUp). */
  async assign(ctx: RequestContext, input: AssignFollowUpTaskInput) {
    const taskId = parseId(input.taskId, 'taskId');
    const userId = input.userId ? parseId(input.userId, 'userId') : null;
    return mutation(ctx, 'assignFollowUpTask', input, (m) =>
      m.transaction(async (scope) => {
        const found = await scope.em.findOne(FollowUpTask, { id: taskId });
        if (!found) refuse(NotFoundError, 'NOT_FOUND', 'No such follow-up task.');
        const t = (await lockTermination(scope, found.termination.id))!;
        const task = await scope.em.findOneOrFail(FollowUpTask, { id: taskId }, { refresh: true, populate: ['assignee'] });
        if (await scope.replayed()) return { task };
        guardAssignFollowUp(ctx.actor, task, userId);
        const assignee = userId ? await scope.em.findOne(User, { id: userId }, { populate: ['department'] }) : null;
        if (userId && !assignee) refuse(NotFoundError, 'NOT_FOUND', 'No such user.');
        if (assignee && (!assignee.active || assignee.department?.code !== task.department || !ASSIGNABLE_ROLES.has(assignee.role))) {
          refuse(ValidationError, 'VALIDATION_FAILED', `${assignee.name} is not an active clerk or head of ${task.department}.`);
        }
        const previous = task.assignee ?? null;
        if ((previous?.id ?? null) !== (assignee?.id ?? null)) {
          task.assignee = assignee;
          task.assignedAt = assignee ? new Date() : null;
          await scope.terminationChanged(
            t,
            'followup.assigned',
            {
              kind: task.kind,
              department: task.department,
              assignee: assignee ? { userId: assignee.id, name: assignee.name } : null,
              previousAssignee: previous ? { userId: previous.id, name: previous.name } : null,
            },
            { entity: { type: 'FollowUpTask', id: task.id }, departments: [task.department], taskId: task.id },
          );
        }
        await scope.remember({ taskId: task.id });
        return { task };
      }),
    );
  }

  /** "My tasks": the signed-in user's open tasks soonest due first, then those they finished lately. */
  async mine(ctx: RequestContext, first: number) {
    if (ctx.actor?.kind !== 'user') return [];
    const limit = Math.min(Math.max(first, 1), 100);
    const me = ctx.actor.userId;
    const open = await ctx.em.find(
      FollowUpTask,
      { assignee: me, status: FollowUpStatus.OPEN },
      { orderBy: { dueAt: 'asc', id: 'asc' }, limit },
    );
    if (open.length >= limit) return open;
    const done = await ctx.em.find(
      FollowUpTask,
      { assignee: me, status: FollowUpStatus.DONE },
      { orderBy: { completedAt: 'desc', id: 'asc' }, limit: limit - open.length },
    );
    return [...open, ...done];
  }

  async list(ctx: RequestContext, filter: FollowUpTaskFilter | null | undefined, first?: number | null, after?: string | null) {
    const page = pageRequest(first, after);
    const where: Record<string, unknown> = {};
    if (filter?.department) where.department = filter.department;
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.terminationId) where.termination = parseId(filter.terminationId, 'terminationId');
    if (filter?.overdue) Object.assign(where, { status: FollowUpStatus.OPEN, dueAt: { $lt: new Date() } });
    if (filter?.assigneeId) where.assignee = parseId(filter.assigneeId, 'assigneeId');
    // An API key owns no task: "mine" matches nothing for it.
    if (filter?.mine) where.assignee = ctx.actor?.kind === 'user' ? ctx.actor.userId : '00000000-0000-4000-8000-000000000000';
    if (filter?.unassigned) where.assignee = null;
    const totalCount = await ctx.em.count(FollowUpTask, where);
    if (page.after) {
      const [dueAt, id] = page.after;
      where.$or = [{ dueAt: { $gt: new Date(dueAt) } }, { dueAt: new Date(dueAt), id: { $gt: id } }];
    }
    const rows = await ctx.em.find(FollowUpTask, where, { orderBy: { dueAt: 'asc', id: 'asc' }, limit: page.limit + 1 });
    return toConnection(rows, page, totalCount, (task) => task.dueAt.toISOString());
  }
}
