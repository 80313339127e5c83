import { actsForDepartment, type Actor } from '../../kernel/actor.js';
import { ForbiddenActionError, NotYourDepartmentError, refuse } from '../../common/business-errors.js';

/**
 * Who may attach files. To a termination: whoever may write terminations (clerks, heads,
 * admins; partner keys with the TERMINATIONS_WRITE scope), not auditors or read-only keys.
 * To a follow-up task: the people who work on it — its department's head and clerks, an
 * admin, or a key bound to that department (its partner system's proof of work).
 */
export function guardAttachToTermination(actor: Actor): void {
  if (!actor.permissions.has('terminations:submit')) {
    refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Attaching files needs write access to terminations.');
  }
}

export function guardAttachToTask(actor: Actor, department: string): void {
  const staffOfDepartment = actor.kind === 'user' && actor.departmentCode === department && actor.permissions.has('followups:complete');
  const keyOfDepartment = actor.kind === 'apiKey' && actor.departmentCode === department && actor.permissions.has('followups:complete');
  if (!actsForDepartment(actor, department) && !staffOfDepartment && !keyOfDepartment) {
    refuse(NotYourDepartmentError, 'NOT_YOUR_DEPARTMENT', `Only ${department} may attach files to this task.`);
  }
}
