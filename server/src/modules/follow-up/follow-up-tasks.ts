import type { PreferredResolution } from '@ot/shared';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { TerminationImpact } from '../termination/impact.types.js';
import type { AppliedPurchaseOrderChangeRecord, Termination } from '../termination/termination.entity.js';
import { planFollowUps, type PlannedTask } from './follow-up-plan.js';
import { FollowUpStatus, FollowUpTask } from './follow-up-task.entity.js';

/** Opens the departments' tasks after a termination took effect, each with its SLA check scheduled. */
export async function openFollowUpTasks(
  scope: TransactionScope,
  events: DomainEvents,
  t: Termination,
  impact: TerminationImpact,
  preferred: PreferredResolution | null,
  applied: AppliedPurchaseOrderChangeRecord[],
): Promise<FollowUpTask[]> {
  const now = new Date();
  const tasks = planFollowUps(impact, preferred, applied).map((plan) => createTask(scope, t, plan, now));
  for (const task of tasks) await opened(scope, events, t, task);
  return tasks;
}

/** One more task on a termination that took effect (e.g. phoning a supplier with no e-mail), with its SLA check. */
export async function openFollowUpTask(
  scope: TransactionScope,
  events: DomainEvents,
  t: Termination,
  plan: PlannedTask,
): Promise<FollowUpTask> {
  const task = createTask(scope, t, plan, new Date());
  await opened(scope, events, t, task);
  return task;
}

function createTask(scope: TransactionScope, t: Termination, plan: PlannedTask, now: Date): FollowUpTask {
  return scope.em.create(FollowUpTask, {
    termination: t,
    kind: plan.kind,
    department: plan.department,
    instructions: plan.instructions,
    instructionLines: plan.instructionLines ?? null,
    dueAt: new Date(now.getTime() + plan.dueInHours * 3_600_000),
    status: FollowUpStatus.OPEN,
    outcome: plan.outcome ?? null,
  });
}

/** An open task has its SLA check scheduled and is told as `followup.opened` (partners' systems pick it up from there). */
async function opened(scope: TransactionScope, events: DomainEvents, t: Termination, task: FollowUpTask): Promise<void> {
  await enqueueJob(scope.em, JOBS.followUpSla, { taskId: task.id }, { runAt: task.dueAt, jobKey: `followup-sla:${task.id}` });
  await events.record(
    scope,
    { kind: 'system' },
    'followup.opened',
    { kind: task.kind, department: task.department, instructions: task.instructions, dueAt: task.dueAt.toISOString() },
    { termination: t, departments: [task.department], taskId: task.id, entity: { type: 'FollowUpTask', id: task.id } },
  );
}
