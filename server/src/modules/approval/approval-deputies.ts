import type { EntityManager } from '@mikro-orm/postgresql';
import { actsForDepartment, type Actor } from '../../kernel/actor.js';
import { NotYourDepartmentError, refuse } from '../../common/business-errors.js';
import type { User } from '../identity/user.entity.js';
import { ApprovalDeputy } from './approval-deputy.entity.js';

/**
 * The rules of standing in for a head, in one place. A deputyship covers the half-open period
 * [startsAt, endsAt): the deputy may decide from the first millisecond of `startsAt` and is
 * refused from `endsAt` on, so two back-to-back periods never overlap by a moment.
 */

/** The period a head may name: ends after it starts, not long past, at most a year. */
export const DEPUTY_RULES = {
  /** How far back a period may start (a head naming a deputy "since this morning"). */
  maxBackdateMs: 24 * 3_600_000,
  maxLengthMs: 366 * 86_400_000,
  /** Roles that can stand in: an auditor only reads; an administrator decides every step anyway. */
  roles: ['CLERK', 'DEPT_HEAD'] as readonly string[],
} as const;

/** The deputyship under which `userId` may decide `department`'s steps at `at`, with its head (an active head of that department). */
export async function activeDeputyship(em: EntityManager, userId: string, department: string, at: Date): Promise<ApprovalDeputy | null> {
  return em.findOne(
    ApprovalDeputy,
    {
      deputy: userId,
      department,
      clearedAt: null,
      startsAt: { $lte: at },
      endsAt: { $gt: at },
      // A head who left the department (or the company) no longer lends their authority.
      head: { active: true, role: 'DEPT_HEAD', department: { code: department } },
    },
    { populate: ['head'], orderBy: { startsAt: 'desc' } },
  );
}

/**
 * Deciding a step: the department's head or an administrator in their own right (null), or a
 * deputy in their period — then the head they decide for. Anyone else is refused.
 */
export async function decidingFor(em: EntityManager, actor: Actor | null, department: string, at: Date): Promise<User | null> {
  if (actsForDepartment(actor, department)) return null;
  const deputyship = actor?.kind === 'user' ? await activeDeputyship(em, actor.userId, department, at) : null;
  if (!deputyship) {
    refuse(
      NotYourDepartmentError,
      'NOT_YOUR_DEPARTMENT',
      `Only the head of ${department} (or their deputy during the deputy's period, or an administrator) may decide this step.`,
    );
  }
  return deputyship.head;
}

/** The users standing in for the heads of these departments at `at`, with their names (notices of due and overdue steps reach them too). */
export async function deputiesStandingIn(
  em: EntityManager,
  departments: readonly string[],
  at: Date,
): Promise<{ userId: string; name: string }[]> {
  if (!departments.length) return [];
  const rows = await em.find(
    ApprovalDeputy,
    {
      department: { $in: [...departments] },
      clearedAt: null,
      startsAt: { $lte: at },
      endsAt: { $gt: at },
      deputy: { active: true },
      head: { active: true, role: 'DEPT_HEAD' },
    },
    { populate: ['deputy'], orderBy: { startsAt: 'asc', id: 'asc' } },
  );
  const byId = new Map(rows.map((r) => [r.deputy.id, { userId: r.deputy.id, name: r.deputy.name }]));
  return [...byId.values()];
}

/** The ids of the users standing in for the heads of these departments at `at`. */
export async function activeDeputiesOf(em: EntityManager, departments: readonly string[], at: Date): Promise<string[]> {
  return (await deputiesStandingIn(em, departments, at)).map((d) => d.userId);
}
