import type { RequestContext } from '../../kernel/context.js';
import { InputError, NotFoundError, refuse } from '../../common/business-errors.js';
import { badInput, forbidden, parseId } from '../../common/errors.js';
import { mutation } from '../../kernel/mutation.js';
import { User } from '../identity/user.entity.js';
import { lockTermination, type TerminationLifecycle } from '../termination/termination-lifecycle.js';
import { guardStepOpen, maySeeBoard } from '../termination/termination-policy.js';
import { activeDeputyship, decidingFor } from './approval-deputies.js';
import { Termination } from '../termination/termination.entity.js';
import { activateNextStage } from './approval-stages.js';
import { ApprovalStep, ApprovalStepStatus } from './approval-step.entity.js';
import { ApprovalDecision, type ApprovalBoardFilter, type DecideApprovalInput } from './approval.types.js';
import { boardCardsPage, countBoardCards } from './approval-board-cards.js';

export class ApprovalService {
  constructor(private readonly lifecycle: TerminationLifecycle) {}

  /**
   * One decision on one step. The termination row lock serialises decisions, so of two heads
   * clicking at once exactly one wins and the other is told the step was decided.
   */
  async decide(ctx: RequestContext, input: DecideApprovalInput) {
    const stepId = parseId(input.stepId, 'stepId');
    const comment = input.comment?.trim() || null;
    return mutation(ctx, 'decideApproval', input, async (m) => {
      if (input.decision === ApprovalDecision.REJECT && !comment) {
        refuse(InputError, 'VALIDATION_FAILED', 'Say why you reject (comment required).', { field: 'comment' });
      }
      const probe = await ctx.em.fork().findOne(ApprovalStep, { id: stepId });
      if (!probe) refuse(NotFoundError, 'NOT_FOUND', 'No such approval step.');
      // The head (or an admin) decides in their own right; a deputy in their period, for the head.
      const decidedAt = new Date();
      const onBehalfOf = await decidingFor(ctx.em.fork(), ctx.actor, probe.department, decidedAt);
      return m.transaction(async (scope) => {
        const t = (await lockTermination(scope, probe.termination.id))!;
        if (await scope.replayed()) return { step: await scope.em.findOneOrFail(ApprovalStep, { id: stepId }), termination: t };
        // Every step of the termination, read once under its lock: the one decided and its stage.
        const steps = await scope.em.find(ApprovalStep, { termination: t }, { refresh: true });
        const step = steps.find((s) => s.id === stepId);
        if (!step) refuse(NotFoundError, 'NOT_FOUND', 'No such approval step.');
        if (t.status === 'PENDING_APPROVAL' && step.status !== ApprovalStepStatus.PENDING && step.decidedBy) {
          await scope.em.populate(step, ['decidedBy']);
        }
        guardStepOpen(t, step, step.decidedBy?.name ?? null);
        step.status = input.decision === ApprovalDecision.APPROVE ? ApprovalStepStatus.APPROVED : ApprovalStepStatus.REJECTED;
        step.decidedAt = decidedAt;
        step.comment = comment;
        step.decidedBy = ctx.actor?.kind === 'user' ? scope.em.getReference(User, ctx.actor.userId) : null;
        step.onBehalfOf = onBehalfOf ? scope.em.getReference(User, onBehalfOf.id) : null;
        await scope.terminationChanged(
          t,
          step.status === ApprovalStepStatus.APPROVED ? 'approval.approved' : 'approval.rejected',
          {
            stage: step.stage,
            department: step.department,
            comment,
            ...(onBehalfOf ? { onBehalfOf: { userId: onBehalfOf.id, name: onBehalfOf.name } } : {}),
          },
          { entity: { type: 'ApprovalStep', id: step.id }, departments: [step.department], stepId: step.id },
        );

        if (step.status === ApprovalStepStatus.REJECTED) {
          await this.lifecycle.apply(scope, t, 'REJECT', ctx.actor, { step: step.id, department: step.department, comment });
        } else {
          await scope.em.flush();
          const stageDone = steps.filter((s) => s.stage === step.stage).every((s) => s.status === ApprovalStepStatus.APPROVED);
          if (stageDone) {
            const activated = await activateNextStage(scope, t, steps);
            if (activated.length) {
              const departments = activated.map((s) => s.department);
              await scope.record(
                'approval.stage_activated',
                { stage: activated[0]!.stage, departments },
                { termination: t, departments, stepId: activated[0]!.id },
              );
            } else {
              await this.lifecycle.advanceAfterApprovals(scope, t, ctx.actor);
            }
          }
        }
        await scope.remember({ stepId: step.id });
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

  /** Refuses unless the caller may see this department's board: its own staff, readers, or a deputy in their period. */
  private async assertMaySeeBoard(ctx: RequestContext, department: string) {
    if (maySeeBoard(ctx.actor, department)) return;
    const asDeputy = ctx.actor?.kind === 'user' && !!(await activeDeputyship(ctx.em, ctx.actor.userId, department, new Date()));
    if (!asDeputy) throw forbidden(`You may not see the ${department} board.`);
  }

  async board(ctx: RequestContext, department: string, bulkRunId?: string | null) {
    await this.assertMaySeeBoard(ctx, department);
    const filter = bulkRunId ? { bulkRunId } : null;
    if (bulkRunId) parseId(bulkRunId, 'bulkRunId');
    const recentDecisions = await ctx.em.find(
      ApprovalStep,
      {
        department,
        status: { $in: [ApprovalStepStatus.APPROVED, ApprovalStepStatus.REJECTED] },
        decidedAt: { $gt: new Date(Date.now() - 14 * 86_400_000) },
      },
      { orderBy: { decidedAt: 'desc', id: 'desc' }, limit: 20 },
    );
    // The cards and counts are read only when selected (the SPA pages the cards through approvalBoardCards).
    let counts: ReturnType<typeof countBoardCards> | undefined;
    const counted = () => (counts ??= countBoardCards(ctx, department, filter));
    return {
      department,
      recentDecisions,
      get pending() {
        return ctx.em.find(
          ApprovalStep,
          {
            department,
            status: ApprovalStepStatus.PENDING,
            termination: { status: 'PENDING_APPROVAL', ...(bulkRunId ? { bulkRunId } : {}) },
          },
          { orderBy: { dueAt: 'asc', id: 'asc' }, limit: 500 },
        );
      },
      get pendingCount() {
        return counted().then((c) => c.pending);
      },
      get overdueCount() {
        return counted().then((c) => c.overdue);
      },
    };
  }

  /** A page of the board's cards that `filter` keeps (see approval-board-cards.ts). */
  async cards(
    ctx: RequestContext,
    department: string,
    filter: ApprovalBoardFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ) {
    await this.assertMaySeeBoard(ctx, department);
    return boardCardsPage(ctx, department, filter, first, after);
  }

  termination(ctx: RequestContext, step: ApprovalStep): Promise<Termination | null> {
    return ctx.loaders.one(Termination, step.termination.id);
  }
}
