import { actsForDepartment } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import {
  InputError,
  InvalidTransitionError,
  NotFoundError,
  NotYourDepartmentError,
  refuse,
  resultOf,
  StepNotActiveError,
} from '../../common/business-errors.js';
import { badInput, forbidden, parseId } from '../../common/errors.js';
import { inTransaction } from '../../kernel/transaction.js';
import { appendAudit } from '../audit/audit.service.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { User } from '../identity/user.entity.js';
import type { NotificationService } from '../notification/notification.service.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import type { TerminationService } from '../termination/termination.service.js';
import { Termination } from '../termination/termination.entity.js';
import { activateNextStage } from './approval-stages.js';
import { ApprovalStep, ApprovalStepStatus } from './approval-step.entity.js';
import { ApprovalDecision, type DecideApprovalInput } from './approval.types.js';

export class ApprovalService {
  constructor(
    private readonly lifecycle: TerminationLifecycle,
    private readonly terminations: TerminationService,
    private readonly notifications: NotificationService,
  ) {}

  /**
   * One decision on one step. The termination row lock serialises decisions, so of two heads
   * clicking at once exactly one wins and the other is told the step was decided.
   */
  async decide(ctx: RequestContext, input: DecideApprovalInput) {
    const stepId = parseId(input.stepId, 'stepId');
    const comment = input.comment?.trim() || null;
    const claim = idempotencyClaim(ctx, 'decideApproval', input.idempotencyKey, input);
    return resultOf(async () => {
      if (input.decision === ApprovalDecision.REJECT && !comment) {
        refuse(InputError, 'VALIDATION_FAILED', 'Say why you reject (comment required).', { field: 'comment' });
      }
      const probe = await ctx.em.fork().findOne(ApprovalStep, { id: stepId });
      if (!probe) refuse(NotFoundError, 'NOT_FOUND', 'No such approval step.');
      if (!actsForDepartment(ctx.actor, probe.department)) {
        refuse(
          NotYourDepartmentError,
          'NOT_YOUR_DEPARTMENT',
          `Only the head of ${probe.department} (or an administrator) may decide this step.`,
        );
      }
      return inTransaction(ctx, async (scope) => {
        const t = (await lockTermination(scope, probe.termination.id))!;
        if (claim) {
          const replay = await findReplay(scope.em, claim);
          if (replay) return { step: await scope.em.findOneOrFail(ApprovalStep, { id: stepId }), termination: t };
        }
        // Every step of the termination, read once under its lock: the one decided and its stage.
        const steps = await scope.em.find(ApprovalStep, { termination: t }, { refresh: true });
        const step = steps.find((s) => s.id === stepId);
        if (!step) refuse(NotFoundError, 'NOT_FOUND', 'No such approval step.');
        if (t.status !== 'PENDING_APPROVAL') {
          refuse(InvalidTransitionError, 'INVALID_TRANSITION', `The termination is ${t.status}; approvals are closed.`);
        }
        if (step.status !== ApprovalStepStatus.PENDING) {
          if (step.decidedBy) await scope.em.populate(step, ['decidedBy']);
          const by = step.decidedBy ? ` by ${step.decidedBy.name}` : '';
          refuse(
            StepNotActiveError,
            'STEP_NOT_ACTIVE',
            step.status === ApprovalStepStatus.WAITING
              ? 'This step waits for an earlier stage.'
              : `This step was already ${step.status.toLowerCase()}${by}.`,
          );
        }
        step.status = input.decision === ApprovalDecision.APPROVE ? ApprovalStepStatus.APPROVED : ApprovalStepStatus.REJECTED;
        step.decidedAt = new Date();
        step.comment = comment;
        step.decidedBy = ctx.actor?.kind === 'user' ? scope.em.getReference(User, ctx.actor.userId) : null;
        t.version += 1;
        appendAudit(scope.em, ctx.actor, {
          action: input.decision === ApprovalDecision.APPROVE ? 'approval.approved' : 'approval.rejected',
          terminationId: t.id,
          entityType: 'ApprovalStep',
          entityId: step.id,
          data: { stage: step.stage, department: step.department, comment },
        });
        this.lifecycle.publishAfterCommit(scope, t, `approval.${step.status.toLowerCase()}`, t.status, ctx.actor, {
          departments: [step.department],
          stepId: step.id,
        });
        await this.notifications.toUsers(scope, [t.requestedBy.id], {
          kind: input.decision === ApprovalDecision.APPROVE ? 'STEP_APPROVED' : 'STEP_REJECTED',
          title: `${t.number} ${step.department} ${input.decision === ApprovalDecision.APPROVE ? '已批准 approved' : '已驳回 rejected'}`,
          body: `${ctx.actor?.name ?? ''}${comment ? `: ${comment}` : ''}`,
          link: `/terminations/${t.number}`,
          terminationId: t.id,
        });

        if (step.status === ApprovalStepStatus.REJECTED) {
          await this.lifecycle.apply(scope, t, 'REJECT', ctx.actor, { step: step.id, department: step.department, comment });
        } else {
          await scope.em.flush();
          const stageDone = steps.filter((s) => s.stage === step.stage).every((s) => s.status === ApprovalStepStatus.APPROVED);
          if (stageDone) {
            const activated = await activateNextStage(scope, t, this.notifications, steps);
            if (activated.length) {
              this.lifecycle.publishAfterCommit(scope, t, 'approval.stage_activated', t.status, ctx.actor, {
                departments: activated.map((s) => s.department),
                stepId: activated[0]!.id,
              });
            } else {
              await this.terminations.advanceAfterApprovals(scope, t, ctx.actor);
            }
          }
        }
        if (claim) await saveReplay(scope.em, claim, { stepId: step.id });
        return { step, termination: t };
      });
    });
  }

  /** Many decisions, each its own transaction: authorized and race-safe one by one. */
  async decideMany(ctx: RequestContext, stepIds: string[], decision: ApprovalDecision, comment?: string | null) {
    if (!stepIds.length || stepIds.length > 200) throw badInput('Give 1 to 200 step ids.', 'stepIds');
    const ids = [...new Set(stepIds.map((id) => parseId(id, 'stepIds')))];
    const results = [];
    for (const stepId of ids) results.push({ stepId, result: await this.decide(ctx, { stepId, decision, comment }) });
    return results;
  }

  async board(ctx: RequestContext, department: string, bulkRunId?: string | null) {
    if (!this.maySeeBoard(ctx, department)) throw forbidden(`You may not see the ${department} board.`);
    const pending = await ctx.em.find(
      ApprovalStep,
      {
        department,
        status: ApprovalStepStatus.PENDING,
        termination: { status: 'PENDING_APPROVAL', ...(bulkRunId ? { bulkRunId: parseId(bulkRunId, 'bulkRunId') } : {}) },
      },
      { orderBy: { dueAt: 'asc', id: 'asc' }, limit: 500 },
    );
    const recentDecisions = await ctx.em.find(
      ApprovalStep,
      {
        department,
        status: { $in: [ApprovalStepStatus.APPROVED, ApprovalStepStatus.REJECTED] },
        decidedAt: { $gt: new Date(Date.now() - 14 * 86_400_000) },
      },
      { orderBy: { decidedAt: 'desc', id: 'desc' }, limit: 20 },
    );
    return { department, pending, recentDecisions, overdueCount: pending.filter((s) => s.overdue).length };
  }

  /** Heads see their own department's board; admins and auditors see all. */
  maySeeBoard(ctx: RequestContext, department: string): boolean {
    const actor = ctx.actor;
    if (!actor) return false;
    if (actor.kind === 'apiKey') return actor.permissions.has('terminations:read');
    if (actor.role === 'ADMIN' || actor.role === 'AUDITOR') return true;
    return actor.departmentCode === department;
  }

  termination(ctx: RequestContext, step: ApprovalStep): Promise<Termination | null> {
    return ctx.loaders.one(Termination, step.termination.id);
  }
}
