import { isDepartmentCode, passwordProblem } from '@ot/shared';
import type { RequestContext } from '../../kernel/context.js';
import type { EventPublisher } from '../../kernel/live-events.js';
import { InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import { parseId } from '../../common/errors.js';
import { inTransaction, isUniqueViolation } from '../../kernel/transaction.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { AuthService } from './auth.service.js';
import { Department } from './department.entity.js';
import { hashPassword } from './password.js';
import { Session } from './session.entity.js';
import { User } from './user.entity.js';
import type { UserInput } from './user-admin.resolver.js';

function checkUser(input: UserInput): void {
  if (!input.name.trim()) refuse(InputError, 'VALIDATION_FAILED', 'Give the user a name.', { field: 'name' });
  if (input.department && !isDepartmentCode(input.department))
    refuse(InputError, 'VALIDATION_FAILED', `Unknown department ${input.department}.`, { field: 'department' });
  if (input.role === 'DEPT_HEAD' && !input.department)
    refuse(InputError, 'VALIDATION_FAILED', 'A department head needs a department.', { field: 'department' });
  const problem = input.password ? passwordProblem(input.password) : null;
  if (problem) refuse(InputError, 'VALIDATION_FAILED', problem, { field: 'password' });
}

/** Administrators maintain who may sign in, with which role and department. */
export class UserAdminService {
  constructor(
    private readonly events: EventPublisher,
    private readonly auth: AuthService,
    private readonly domainEvents: DomainEvents,
  ) {}

  list(ctx: RequestContext) {
    return ctx.em.find(User, {}, { orderBy: { email: 'asc' } });
  }

  create(ctx: RequestContext, input: UserInput) {
    return resultOf(async () => {
      checkUser(input);
      if (!input.email) refuse(InputError, 'VALIDATION_FAILED', 'Give an e-mail address.', { field: 'email' });
      if (!input.password) refuse(InputError, 'VALIDATION_FAILED', 'Give an initial password.', { field: 'password' });
      const passwordHash = await hashPassword(input.password);
      try {
        return await inTransaction(ctx, async (scope) => {
          const { em } = scope;
          const user = em.create(User, {
            email: input.email!.trim().toLowerCase(),
            name: input.name.trim(),
            role: input.role,
            passwordHash,
            department: input.department ? em.getReference(Department, input.department) : null,
            active: input.active ?? true,
          });
          await this.domainEvents.record(
            scope,
            ctx.actor,
            'user.created',
            { email: user.email, role: user.role, department: input.department ?? null },
            { entity: { type: 'User', id: user.id } },
          );
          return user;
        });
      } catch (error) {
        if (isUniqueViolation(error))
          refuse(InputError, 'VALIDATION_FAILED', 'A user with this e-mail exists already.', { field: 'email' });
        throw error;
      }
    });
  }

  /**
   * A new password or deactivation signs the user out everywhere; any change closes the user's
   * live connections (clients reconnect with the new role and department, if still signed in).
   */
  update(ctx: RequestContext, id: string, input: UserInput) {
    const userId = parseId(id);
    return resultOf(async () => {
      checkUser(input);
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      return inTransaction(ctx, async (scope) => {
        const { em, afterCommit } = scope;
        const user = await em.findOne(User, { id: userId });
        if (!user) refuse(NotFoundError, 'NOT_FOUND', 'No such user.');
        const before = { role: user.role, department: user.department?.code ?? null, active: user.active };
        user.name = input.name.trim();
        user.role = input.role;
        user.department = input.department ? em.getReference(Department, input.department) : null;
        user.active = input.active ?? user.active;
        const signOut = passwordHash !== null || !user.active;
        if (passwordHash) {
          user.passwordHash = passwordHash;
          user.passwordChangedAt = new Date();
        }
        if (signOut) await em.nativeUpdate(Session, { user: user.id, revokedAt: null }, { revokedAt: new Date() });
        // Every instance re-reads the user's sessions and reconnects their live sockets, so a new
        // role or department (or the sign-out) applies at once.
        afterCommit(() => {
          this.auth.forgetUser(user.id);
          this.events.credentialsEnded({ kind: 'user', userId: user.id });
        });
        await this.domainEvents.record(
          scope,
          ctx.actor,
          'user.updated',
          { before, passwordReset: passwordHash !== null },
          { entity: { type: 'User', id: user.id } },
        );
        return user;
      });
    });
  }
}
