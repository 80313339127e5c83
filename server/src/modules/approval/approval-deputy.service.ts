import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import {
  ForbiddenActionError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  refuse,
  resultOf,
  ValidationError,
} from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { inTransaction, type TransactionScope } from '../../kernel/transaction.js';
import { User } from '../identity/user.entity.js';
import { ApprovalDeputy } from './approval-deputy.entity.js';
import type { SetApprovalDeputyInput } from './approval-deputy.types.js';
import { DEPUTY_RULES } from './approval-deputies.js';

const person = (u: User) => ({ userId: u.id, name: u.name });

/** Heads naming, withdrawing and listing their deputies for approvals (the rules: approval-deputies.ts). */
export class ApprovalDeputyService {
  constructor(private readonly events: DomainEvents) {}

  /**
   * A head names a deputy for a period. One deputyship per head at a time: naming another
   * replaces (clears) the ones not yet over, so "who stands in for me" has one answer.
   */
  async set(ctx: RequestContext, input: SetApprovalDeputyInput) {
    const claim = idempotencyClaim(ctx, 'setApprovalDeputy', input.idempotencyKey, {
      ...input,
      from: input.from?.toISOString?.(),
      to: input.to?.toISOString?.(),
    });
    return resultOf(async () => {
      const actor = ctx.actor;
      if (actor?.kind !== 'user' || actor.role !== 'DEPT_HEAD' || !actor.departmentCode) {
        refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only a department head names a deputy for their approvals.');
      }
      const department = actor.departmentCode;
      const deputyId = parseId(input.deputyUserId, 'deputyUserId');
      return inTransaction(ctx, async (scope) => {
        const now = new Date();
        // One head's deputyships change one at a time (two tabs naming two deputies at once).
        await scope.em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`approval-deputy:${actor.userId}`]);
        if (claim) {
          const replay = await findReplay(scope.em, claim);
          if (replay) {
            return {
              deputy: await scope.em.findOneOrFail(ApprovalDeputy, { id: replay.deputyId as string }),
              replaced: await scope.em.find(ApprovalDeputy, { id: { $in: replay.replacedIds as string[] } }),
            };
          }
        }
        validatePeriod(input.from, input.to, now);
        const deputy = await scope.em.findOne(User, { id: deputyId });
        if (!deputy) refuse(NotFoundError, 'NOT_FOUND', 'No such user.');
        if (deputy.id === actor.userId) refuse(ValidationError, 'VALIDATION_FAILED', 'Name someone other than yourself as deputy.');
        if (!deputy.active) refuse(ValidationError, 'VALIDATION_FAILED', `${deputy.name} is not an active user.`);
        if (!DEPUTY_RULES.roles.includes(deputy.role)) {
          refuse(ValidationError, 'VALIDATION_FAILED', `${deputy.name} cannot stand in (only clerks and department heads can).`);
        }
        const head = await scope.em.findOneOrFail(User, { id: actor.userId });
        const replaced = await scope.em.find(ApprovalDeputy, { head, department, clearedAt: null, endsAt: { $gt: now } });
        for (const old of replaced) await this.clearOne(scope, ctx, old, head, deputy.id === old.deputy.id ? deputy : null, now);
        const row = scope.em.create(ApprovalDeputy, { department, head, deputy, startsAt: input.from, endsAt: input.to });
        await this.events.record(scope, ctx.actor, 'approval.deputy_set', describe(row, head, deputy), {
          entity: { type: 'ApprovalDeputy', id: row.id },
          departments: [department],
        });
        if (claim) await saveReplay(scope.em, claim, { deputyId: row.id, replacedIds: replaced.map((r) => r.id) });
        return { deputy: row, replaced };
      });
    });
  }

  /** The head who named the deputy, or an administrator, withdraws a deputyship not yet over. */
  async clear(ctx: RequestContext, id: string) {
    const deputyshipId = parseId(id, 'id');
    return resultOf(() =>
      inTransaction(ctx, async (scope) => {
        const row = await scope.em.findOne(ApprovalDeputy, { id: deputyshipId }, { populate: ['head', 'deputy'] });
        if (!row) refuse(NotFoundError, 'NOT_FOUND', 'No such deputyship.');
        await scope.em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`approval-deputy:${row.head.id}`]);
        await scope.em.refresh(row);
        const actor = ctx.actor;
        const allowed = actor?.kind === 'user' && (actor.role === 'ADMIN' || actor.userId === row.head.id);
        if (!allowed)
          refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only the head who named the deputy (or an administrator) may clear it.');
        const now = new Date();
        if (row.clearedAt) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This deputyship was already cleared.');
        if (row.endsAt <= now) refuse(InvalidTransitionError, 'INVALID_TRANSITION', 'This deputyship is over already.');
        await this.clearOne(scope, ctx, row, row.head, row.deputy, now);
        return { deputy: row };
      }),
    );
  }

  /**
   * Deputyships not over yet (or all, with `includeEnded`): administrators and auditors see
   * every department's; others their own department's and those naming them as head or deputy.
   */
  async list(ctx: RequestContext, department: string | null, includeEnded: boolean) {
    const actor = ctx.actor;
    const where: Record<string, unknown> = {};
    if (!includeEnded) Object.assign(where, { clearedAt: null, endsAt: { $gt: new Date() } });
    if (department) where.department = department;
    const seesAll = actor?.kind === 'apiKey' || actor?.role === 'ADMIN' || actor?.role === 'AUDITOR';
    if (!seesAll && actor?.kind === 'user') {
      where.$or = [
        { head: actor.userId },
        { deputy: actor.userId },
        ...(actor.departmentCode ? [{ department: actor.departmentCode }] : []),
      ];
    }
    return ctx.em.find(ApprovalDeputy, where, { orderBy: { startsAt: 'asc', id: 'asc' }, limit: 200 });
  }

  /** Active clerks and heads other than the caller, by department then name (at most 500). */
  candidates(ctx: RequestContext) {
    const me = ctx.actor?.kind === 'user' ? ctx.actor.userId : null;
    return ctx.em.find(
      User,
      { active: true, role: { $in: [...DEPUTY_RULES.roles] as User['role'][] }, ...(me ? { id: { $ne: me } } : {}) },
      { orderBy: { department: { code: 'asc' }, name: 'asc' }, limit: 500 },
    );
  }

  private async clearOne(scope: TransactionScope, ctx: RequestContext, row: ApprovalDeputy, head: User, deputy: User | null, now: Date) {
    row.clearedAt = now;
    const who = deputy ?? (await scope.em.findOneOrFail(User, { id: row.deputy.id }));
    await this.events.record(scope, ctx.actor, 'approval.deputy_cleared', describe(row, head, who), {
      entity: { type: 'ApprovalDeputy', id: row.id },
      departments: [row.department],
    });
  }
}

/** The period a head may name (see DEPUTY_RULES); refuses with the field at fault. */
function validatePeriod(from: Date, to: Date, now: Date): void {
  if (!(from instanceof Date) || Number.isNaN(from.getTime()))
    refuse(InputError, 'VALIDATION_FAILED', 'Give a valid start.', { field: 'from' });
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) refuse(InputError, 'VALIDATION_FAILED', 'Give a valid end.', { field: 'to' });
  if (from.getTime() >= to.getTime()) refuse(InputError, 'VALIDATION_FAILED', 'The period must end after it starts.', { field: 'to' });
  if (to.getTime() <= now.getTime()) refuse(InputError, 'VALIDATION_FAILED', 'The period is over already.', { field: 'to' });
  if (from.getTime() < now.getTime() - DEPUTY_RULES.maxBackdateMs) {
    refuse(InputError, 'VALIDATION_FAILED', 'The period may start at most 24 hours ago.', { field: 'from' });
  }
  if (to.getTime() - from.getTime() > DEPUTY_RULES.maxLengthMs) {
    refuse(InputError, 'VALIDATION_FAILED', 'A deputy may be named for at most 366 days at once.', { field: 'to' });
  }
}

function describe(row: ApprovalDeputy, head: User, deputy: User) {
  return {
    department: row.department,
    head: person(head),
    deputy: person(deputy),
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
  };
}
