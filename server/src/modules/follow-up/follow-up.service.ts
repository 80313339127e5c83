import type { PreferredResolution } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import { actsForDepartment } from '../../kernel/actor.js';
import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import {
  InvalidTransitionError,
  NotFoundError,
  NotYourDepartmentError,
  refuse,
  resultOf,
  ValidationError,
} from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { pageRequest, toConnection } from '../../common/pagination.js';
import { inTransaction, type TransactionScope } from '../../kernel/transaction.js';
import { appendAudit } from '../audit/audit.service.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { User } from '../identity/user.entity.js';
import { Settlement, SettlementStatus } from '../settlement/settlement.entity.js';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { AppliedPurchaseOrderChangeRecord, Termination } from '../termination/termination.entity.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import { planFollowUps } from './follow-up-plan.js';
import { FollowUpKind, FollowUpStatus, FollowUpTask } from './follow-up-task.entity.js';
import type { CompleteFollowUpTaskInput, FollowUpTaskFilter } from './follow-up.types.js';

export class FollowUpService {
  constructor(private readonly lifecycle: TerminationLifecycle) {}

  async createFor(
    scope: TransactionScope,
    t: Termination,
    impact: TerminationImpact,
    preferred: PreferredResolution | null,
    applied: AppliedPurchaseOrderChangeRecord[],
  ): Promise<FollowUpTask[]> {
    const now = Date.now();
    const tasks = planFollowUps(impact, preferred, applied).map((plan) =>
      scope.em.create(FollowUpTask, {
        termination: t,
        kind: plan.kind,
        department: plan.department,
        instructions: plan.instructions,
        dueAt: new Date(now + plan.dueInHours * 3_600_000),
        status: FollowUpStatus.OPEN,
        outcome: plan.outcome ?? null,
      }),
    );
    for (const task of tasks) {
      await enqueueJob(scope.em, JOBS.followUpSla, { taskId: task.id }, { runAt: task.dueAt, jobKey: `followup-sla:${task.id}` });
    }
    return tasks;
  }

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
        if (!this.mayComplete(ctx, task.department)) {
          refuse(NotYourDepartmentError, 'NOT_YOUR_DEPARTMENT', `Only ${task.department} may complete this task.`);
        }
        if (task.status !== FollowUpStatus.OPEN) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This task is already done.');
        if (t.status !== 'EFFECTIVE') refuse(InvalidTransitionError, 'INVALID_TRANSITION', `The termination is ${t.status}.`);
        const note = input.note.trim();
        if (!note) refuse(ValidationError, 'VALIDATION_FAILED', 'Say what was done in the note.');
        if (task.kind === FollowUpKind.CUSTOMER_OUTCOME && !input.outcome) {
          refuse(ValidationError, 'VALIDATION_FAILED', 'Choose the outcome agreed with the customer.');
        }
        task.status = FollowUpStatus.DONE;
        task.note = note;
        task.completedAt = new Date();
        task.completedBy = ctx.actor?.kind === 'user' ? scope.em.getReference(User, ctx.actor.userId) : null;
        if (input.outcome) task.outcome = input.outcome;
        if (input.outcomeDetails !== undefined) task.outcomeDetails = input.outcomeDetails?.trim() || null;
        if (task.kind === FollowUpKind.SETTLEMENT) {
          const settlement = await scope.em.findOne(Settlement, { termination: t });
          if (settlement) {
            settlement.status = SettlementStatus.COMPLETED;
            settlement.completedAt = new Date();
          }
        }
        t.version += 1;
        appendAudit(scope.em, ctx.actor, {
          action: 'followup.completed',
          terminationId: t.id,
          entityType: 'FollowUpTask',
          entityId: task.id,
          data: {
            kind: task.kind,
            department: task.department,
            note,
            outcome: task.outcome ?? null,
            outcomeDetails: task.outcomeDetails ?? null,
          },
        });
        this.lifecycle.publishAfterCommit(scope, t, 'followup.completed', t.status, ctx.actor, {
          departments: [task.department],
          taskId: task.id,
        });
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

  private mayComplete(ctx: RequestContext, department: string): boolean {
    if (actsForDepartment(ctx.actor, department)) return true;
    return ctx.actor?.kind === 'user' && ctx.actor.role === 'CLERK' && ctx.actor.departmentCode === department;
  }
}
