import { ACTIVE_STATUSES, FEE_ADJUSTABLE_STATUSES, mayAdjustCancellationFee } from '@ot/shared';
import { actsForDepartment, type Actor, type UserActor } from '../../kernel/actor.js';
import {
  ForbiddenActionError,
  InvalidTransitionError,
  NotYourDepartmentError,
  refuse,
  StepNotActiveError,
  TokenUsedError,
} from '../../common/business-errors.js';
import { ApprovalStepStatus, type ApprovalStep } from '../approval/approval-step.entity.js';
import { ConfirmationStatus, type CustomerConfirmation } from '../confirmation/customer-confirmation.entity.js';
import { FollowUpStatus, type FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import type { Termination } from './termination.entity.js';

/**
 * Who may do what to one termination, and in which state: every per-record rule of the flow.
 * Each guard refuses with the error the API returns; services call them before changing anything.
 */

type Who = Actor | null;
type Guarded = Pick<Termination, 'status' | 'requestedBy' | 'effectBlockers'>;

function isRequester(actor: Who, t: Guarded): boolean {
  return actor?.kind === 'user' && actor.userId === t.requestedBy.id;
}

/** Withdrawing: the requester or an administrator, while the termination still runs. */
export function guardWithdraw(actor: Who, t: Guarded): void {
  const isAdmin = actor?.kind === 'user' && actor.role === 'ADMIN';
  if (!isRequester(actor, t) && !isAdmin) {
    refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only the requester or an administrator may withdraw it.');
  }
  if (!(ACTIVE_STATUSES as readonly string[]).includes(t.status)) {
    refuse(InvalidTransitionError, 'INVALID_TRANSITION', `A ${t.status} termination cannot be withdrawn.`);
  }
}

/** Trying again to take effect: the requester, the head of sales or an administrator, once a blocker stopped it. */
export function guardRetryEffect(actor: Who, t: Guarded): void {
  const allowed =
    actor?.kind === 'user' &&
    (isRequester(actor, t) || actor.role === 'ADMIN' || (actor.role === 'DEPT_HEAD' && actor.departmentCode === 'SALES'));
  if (!allowed) refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only the requester, the head of sales or an administrator may retry.');
  if (!t.effectBlockers) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This termination is not waiting for a retry.');
}

/* Deciding a step (the head, an administrator, or the head's deputy in their period): see approval/approval-deputies.ts. */

/** A decision needs the termination in approval and the step open; `decidedBy` names who decided it already. */
export function guardStepOpen(t: Guarded, step: ApprovalStep, decidedBy: string | null): void {
  if (t.status !== 'PENDING_APPROVAL') {
    refuse(InvalidTransitionError, 'INVALID_TRANSITION', `The termination is ${t.status}; approvals are closed.`);
  }
  if (step.status !== ApprovalStepStatus.PENDING) {
    const by = decidedBy ? ` by ${decidedBy}` : '';
    refuse(
      StepNotActiveError,
      'STEP_NOT_ACTIVE',
      step.status === ApprovalStepStatus.WAITING
        ? 'This step waits for an earlier stage.'
        : `This step was already ${step.status.toLowerCase()}${by}.`,
    );
  }
}

/** Sending the customer a new link: the requester, sales, customer service or an administrator, while the customer is asked. */
export function guardResendConfirmation(actor: Who, t: Guarded): void {
  const allowed =
    actor?.kind === 'user' &&
    (isRequester(actor, t) || actor.role === 'ADMIN' || actor.departmentCode === 'SALES' || actor.departmentCode === 'CUSTOMER_SERVICE');
  if (!allowed) {
    refuse(
      ForbiddenActionError,
      'FORBIDDEN_ACTION',
      'Only the requester, sales, customer service or an administrator may send the customer a new link.',
    );
  }
  if (t.status !== 'AWAITING_CUSTOMER') {
    refuse(
      InvalidTransitionError,
      'INVALID_TRANSITION',
      `Only a termination awaiting the customer can get a new link (it is ${t.status}).`,
    );
  }
}

/** The customer answers once, through a link still open, while the termination waits for them. */
export function guardCustomerAnswer(t: Guarded, confirmation: CustomerConfirmation): void {
  if (confirmation.status !== ConfirmationStatus.PENDING) refuse(TokenUsedError, 'TOKEN_USED', 'This link was already used.');
  if (t.status !== 'AWAITING_CUSTOMER') {
    refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This termination no longer waits for your answer.');
  }
}

/**
 * Completing a follow-up task: its department's head or clerks (or an administrator), or a
 * partner key bound to its department (e.g. the WMS confirming the release); once, after the effect.
 */
export function guardCompleteFollowUp(actor: Who, task: FollowUpTask, t: Guarded): void {
  const clerkOfDepartment = actor?.kind === 'user' && actor.role === 'CLERK' && actor.departmentCode === task.department;
  const keyOfDepartment = actor?.kind === 'apiKey' && actor.departmentCode === task.department;
  if (!actsForDepartment(actor, task.department) && !clerkOfDepartment && !keyOfDepartment) {
    refuse(NotYourDepartmentError, 'NOT_YOUR_DEPARTMENT', `Only ${task.department} may complete this task.`);
  }
  if (task.status !== FollowUpStatus.OPEN) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This task is already done.');
  if (t.status !== 'EFFECTIVE') refuse(InvalidTransitionError, 'INVALID_TRANSITION', `The termination is ${t.status}.`);
}

/**
 * Giving a follow-up task an owner (`assignee`, or null to release it), while it is open: the
 * department's head or an administrator assigns anyone of the department; a clerk of the
 * department may take an unassigned task themself, or give back their own. Whether the
 * assignee belongs to the department is the service's check (it needs the user's row).
 */
export function guardAssignFollowUp(actor: Who, task: FollowUpTask, assigneeId: string | null): void {
  const head = actsForDepartment(actor, task.department);
  const clerk = actor?.kind === 'user' && actor.role === 'CLERK' && actor.departmentCode === task.department;
  if (!head && !clerk) refuse(NotYourDepartmentError, 'NOT_YOUR_DEPARTMENT', `Only ${task.department} may assign this task.`);
  if (task.status !== FollowUpStatus.OPEN) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This task is already done.');
  if (!head && actor?.kind === 'user') {
    const current = task.assignee?.id ?? null;
    // Taking a free task (or keeping one's own), or giving one's own back.
    const takes = assigneeId === actor.userId && (current === null || current === actor.userId);
    const givesBack = assigneeId === null && current === actor.userId;
    if (!takes && !givesBack) {
      refuse(
        ForbiddenActionError,
        'FORBIDDEN_ACTION',
        `Only the head of ${task.department} assigns tasks to others; you may take an unassigned task or give back your own.`,
      );
    }
  }
}

/** Adjusting the cancellation fee: the head of finance alone (see @ot/shared fees). */
export function guardAdjustFee(actor: Who): asserts actor is UserActor {
  if (actor?.kind !== 'user' || !mayAdjustCancellationFee(actor)) {
    refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only the head of finance may adjust the cancellation fee.');
  }
}

/** The fee can change only before the termination takes effect. */
export function guardFeeAdjustable(t: Guarded): void {
  if (!FEE_ADJUSTABLE_STATUSES.includes(t.status)) {
    refuse(InvalidTransitionError, 'INVALID_TRANSITION', `The fee of a ${t.status} termination can no longer be adjusted.`);
  }
}

/** Heads see their own department's approval board; admins and auditors see all; API keys need read access. */
export function maySeeBoard(actor: Who, department: string): boolean {
  if (!actor) return false;
  if (actor.kind === 'apiKey') return actor.permissions.has('terminations:read');
  if (actor.role === 'ADMIN' || actor.role === 'AUDITOR') return true;
  return actor.departmentCode === department;
}

/**
 * Reading a termination and everything attached to it (its files included): the permission the
 * `termination` query asks for. Every department reads every termination; keys need the scope.
 */
export function mayReadTermination(actor: Who): boolean {
  return !!actor && actor.permissions.has('terminations:read');
}
