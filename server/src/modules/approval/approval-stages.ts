import { enqueueJobs, JOBS, type JobSpec } from '../../kernel/jobs.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { Termination } from '../termination/termination.entity.js';
import { ApprovalStep, ApprovalStepStatus } from './approval-step.entity.js';

/**
 * Opens the lowest stage that still has waiting steps: due times start, SLA checks are scheduled.
 * Its heads hear of it from the event the caller records (submitted, or stage activated).
 * `steps` are all the termination's steps when the caller holds them (locked, current), which
 * saves reading them again.
 */
export async function activateNextStage(scope: TransactionScope, t: Termination, steps?: readonly ApprovalStep[]): Promise<ApprovalStep[]> {
  const waiting = steps
    ? steps.filter((s) => s.status === ApprovalStepStatus.WAITING).sort((a, b) => a.stage - b.stage)
    : await scope.em.find(
        ApprovalStep,
        { termination: t, status: ApprovalStepStatus.WAITING },
        { orderBy: { stage: 'asc', department: 'asc', id: 'asc' } },
      );
  const { activated, slaJobs } = openStage(waiting);
  // The stage's SLA checks, one statement however many departments it has.
  await enqueueJobs(scope.em, slaJobs);
  return activated;
}

/**
 * Opens the lowest stage of `waiting` (a termination's waiting steps, lowest stage first) without
 * a statement: its steps turn PENDING with their due times, and the SLA checks to enqueue are
 * returned, so that a bulk run enqueues those of many terminations in one statement.
 */
export function openStage(waiting: readonly ApprovalStep[]): { activated: ApprovalStep[]; slaJobs: JobSpec[] } {
  if (!waiting.length) return { activated: [], slaJobs: [] };
  const stage = waiting[0]!.stage;
  const now = new Date();
  const activated = waiting.filter((s) => s.stage === stage);
  for (const step of activated) {
    step.status = ApprovalStepStatus.PENDING;
    step.activatedAt = now;
    step.dueAt = new Date(now.getTime() + step.slaHours * 3_600_000);
  }
  const slaJobs = activated.map((step) => ({
    name: JOBS.approvalSla,
    payload: { stepId: step.id },
    options: { runAt: step.dueAt!, jobKey: `approval-sla:${step.id}` },
  }));
  return { activated, slaJobs };
}
