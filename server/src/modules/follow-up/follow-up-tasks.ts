import type { PreferredResolution } from '@ot/shared';
import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { AppliedPurchaseOrderChangeRecord, Termination } from '../termination/termination.entity.js';
import { planFollowUps } from './follow-up-plan.js';
import { FollowUpStatus, FollowUpTask } from './follow-up-task.entity.js';

/** Opens the departments' tasks after a termination took effect, each with its SLA check scheduled. */
export async function openFollowUpTasks(
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
