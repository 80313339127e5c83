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

/*
 * Who stands in for the heads of some departments at a moment, as SQL (one place for the rule):
 * an uncleared period covering the moment, an active deputy, and an active head. Parameters:
 * the departments (a JSON array) and the moment twice. One row per deputy, their earliest period first.
 */
const STANDING_IN_SQL = `
  select s.user_id, s.name, s.language from (
    select distinct on (d.deputy_id) d.deputy_id as user_id, u.name, u.language, d.starts_at, d.id
      from approval_deputy d join app_user u on u.id = d.deputy_id join app_user h on h.id = d.head_id
     where d.department in (select jsonb_array_elements_text(?::jsonb)) and d.cleared_at is null and d.starts_at <= ?::timestamptz and d.ends_at > ?::timestamptz
       and u.active and h.active and h.role = 'DEPT_HEAD'
     order by d.deputy_id, d.starts_at, d.id) s
  order by s.starts_at, s.id`;

/** A user to tell something, with the language they read it in. */
export interface Recipient {
  id: string;
  language: string | null;
}

/** The users standing in for the heads of these departments at `at`, with their names (notices of due and overdue steps reach them too). */
export async function deputiesStandingIn(
  em: EntityManager,
  departments: readonly string[],
  at: Date,
): Promise<{ userId: string; name: string }[]> {
  if (!departments.length) return [];
  const rows = await em
    .getConnection()
    .execute<{ user_id: string; name: string }[]>(
      STANDING_IN_SQL,
      [JSON.stringify(departments), at, at],
      'all',
      em.getTransactionContext(),
    );
  return rows.map((r) => ({ userId: r.user_id, name: r.name }));
}

/**
 * Whom a stage's due approvals concern: the active heads of its departments and whoever stands in
 * for them at `at`, each with their language, in ONE statement (the submission's notices).
 */
export async function headsAndDeputiesOf(
  em: EntityManager,
  departments: readonly string[],
  at: Date,
): Promise<{ heads: Recipient[]; deputies: Recipient[] }> {
  if (!departments.length) return { heads: [], deputies: [] };
  const rows = await em.getConnection().execute<{ deputy: boolean; id: string; language: string | null }[]>(
    `select false as deputy, u.id, u.language from app_user u
      where u.role = 'DEPT_HEAD' and u.active and u.department_code in (select jsonb_array_elements_text(?::jsonb))
     union all
     select true, s.user_id, s.language from (${STANDING_IN_SQL}) s`,
    [JSON.stringify(departments), JSON.stringify(departments), at, at],
    'all',
    em.getTransactionContext(),
  );
  const recipient = (r: (typeof rows)[number]): Recipient => ({ id: r.id, language: r.language });
  return { heads: rows.filter((r) => !r.deputy).map(recipient), deputies: rows.filter((r) => r.deputy).map(recipient) };
}
