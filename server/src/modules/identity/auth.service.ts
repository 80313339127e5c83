import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { passwordProblem } from '@ot/shared';
import { makeError } from '../../common/error-result.js';
import { unauthenticated } from '../../common/errors.js';
import { escapeLike } from '../../common/text.js';
import { userActor, type Actor, type UserActor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import type { RateLimits } from '../../kernel/rate-limits.js';
import { ForbiddenActionError, InputError } from '../../common/business-errors.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { inTransaction } from '../../kernel/transaction.js';
import { looksLikeApiKey, type ApiKeyService } from './api-key.service.js';
import { Session } from './session.entity.js';
import { TOPICS, type CredentialsEnded, type EventPublisher } from '../../kernel/live-events.js';
import { RecentlyVerified } from '../../common/recently-verified.js';
import { TokenSigner } from './token.js';
import { InvalidCredentialsError, LoginSuccess, PasswordSignInDisabledError } from './identity.types.js';
import { rememberSignedIn } from './staff-privacy.js';
import { User } from './user.entity.js';

const SECRET_KEY = 'auth_secret';

/** The signing key: AUTH_SECRET, or one generated once and kept in the database so every instance shares it. */
export async function loadSigningSecret(em: EntityManager, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const conn = em.getConnection();
  await conn.execute(`insert into app_setting (key, value) values (?, ?) on conflict (key) do nothing`, [
    SECRET_KEY,
    randomBytes(48).toString('base64url'),
  ]);
  const [row] = await conn.execute<{ value: string }[]>(`select value from app_setting where key = ?`, [SECRET_KEY]);
  return row!.value;
}

/** How long a verified session is trusted without reading it again (see RecentlyVerified). */
const VERIFIED_SESSION_TTL_MS = 5_000;

type SessionFacts = Omit<UserActor, 'kind' | 'permissions'>;

function sessionFacts(user: User, session: Session): SessionFacts {
  return {
    userId: user.id,
    sessionId: session.id,
    name: user.name,
    email: user.email,
    role: user.role,
    departmentCode: user.department?.code ?? null,
    expiresAt: session.expiresAt,
  };
}

export class AuthService {
  /** Sessions verified lately, by session id: the SPA's requests do not each read their session. */
  private readonly sessions = new RecentlyVerified<SessionFacts>(VERIFIED_SESSION_TTL_MS);

  constructor(
    private readonly signer: TokenSigner,
    private readonly tokenTtlSeconds: number,
    private readonly apiKeys: ApiKeyService,
    private readonly rateLimits: RateLimits,
    private readonly events: EventPublisher,
    private readonly domainEvents: DomainEvents,
    /** PASSWORD_SIGN_IN=off: login refuses, single sign-on is the way in. */
    readonly passwordSignIn = true,
  ) {
    void this.forgetEndedSessions();
  }

  /** This instance re-reads the user's sessions on their next request (others hear the event). */
  forgetUser(userId: string): void {
    this.sessions.forgetWhere((session) => session.userId === userId);
  }

  private async forgetEndedSessions(): Promise<void> {
    for await (const ended of this.events.subscribe<CredentialsEnded>(TOPICS.credentialsEnded)) {
      if (ended.kind === 'session') this.sessions.forget(ended.sessionId);
      else if (ended.kind === 'user') this.forgetUser(ended.userId);
    }
  }

  async login(ctx: RequestContext, email: string, password: string, userAgent?: string) {
    if (!this.passwordSignIn)
      return makeError(
        PasswordSignInDisabledError,
        'PASSWORD_SIGN_IN_DISABLED',
        'Password sign-in is switched off here; sign in with SSO.',
      );
    const account = email.trim().toLowerCase().slice(0, 200);
    await this.rateLimits.loginAttempt(ctx.ip, account);
    const user = account ? await ctx.em.findOne(User, { email: { $ilike: escapeLike(account) } }, { populate: ['department'] }) : null;
    const ok = await verifyPassword(password.slice(0, 200), user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok || !user.active) {
      await this.rateLimits.loginFailed(ctx.ip, account);
      ctx.logger.info({ account }, 'login refused');
      return makeError(InvalidCredentialsError, 'INVALID_CREDENTIALS', 'E-mail or password is wrong.');
    }
    await this.rateLimits.loginSucceeded(ctx.ip, account);
    return this.startSession(ctx, user, userAgent);
  }

  /** A new session of a user who has proved who they are (password, or single sign-on): its bearer token. */
  async startSession(ctx: RequestContext, user: User, userAgent?: string): Promise<LoginSuccess> {
    const expiresAt = new Date(Date.now() + this.tokenTtlSeconds * 1000);
    const session = ctx.em.create(Session, { user, expiresAt, userAgent: userAgent?.slice(0, 255) ?? null });
    await ctx.em.flush();
    const token = await this.signer.sign({ userId: user.id, sessionId: session.id }, expiresAt);
    rememberSignedIn(ctx, userActor(sessionFacts(user, session)));
    return Object.assign(new LoginSuccess(), { token, expiresAt, user });
  }

  /** Needs the old password; ends every other session of the user. */
  async changePassword(ctx: RequestContext, oldPassword: string, newPassword: string) {
    if (ctx.actor?.kind !== 'user') return makeError(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only signed-in users have a password.');
    const actor = ctx.actor;
    const problem = passwordProblem(newPassword);
    if (problem) return makeError(InputError, 'VALIDATION_FAILED', problem, { field: 'newPassword' });
    const user = await ctx.em.findOneOrFail(User, { id: actor.userId });
    // Guessing the current password is throttled like signing in.
    await this.rateLimits.loginAttempt(ctx.ip, user.email.toLowerCase());
    if (!(await verifyPassword(oldPassword.slice(0, 200), user.passwordHash))) {
      await this.rateLimits.loginFailed(ctx.ip, user.email.toLowerCase());
      return makeError(InputError, 'VALIDATION_FAILED', 'The current password is wrong.', { field: 'oldPassword' });
    }
    const passwordHash = await hashPassword(newPassword);
    await inTransaction(ctx, async (scope) => {
      const changed = await scope.em.findOneOrFail(User, { id: user.id });
      changed.passwordHash = passwordHash;
      changed.passwordChangedAt = new Date();
      await scope.em.nativeUpdate(Session, { user: user.id, id: { $ne: actor.sessionId }, revokedAt: null }, { revokedAt: new Date() });
      await this.domainEvents.record(scope, actor, 'user.password_changed', {}, { entity: { type: 'User', id: user.id } });
      scope.afterCommit(() => {
        this.forgetUser(user.id);
        this.events.credentialsEnded({ kind: 'user', userId: user.id, exceptSessionId: actor.sessionId });
      });
    });
    return ctx.em.findOneOrFail(User, { id: user.id }, { refresh: true });
  }

  async logout(ctx: RequestContext): Promise<boolean> {
    if (ctx.actor?.kind !== 'user') return false;
    await ctx.em.nativeUpdate(Session, { id: ctx.actor.sessionId, revokedAt: null }, { revokedAt: new Date() });
    this.sessions.forget(ctx.actor.sessionId);
    this.events.credentialsEnded({ kind: 'session', sessionId: ctx.actor.sessionId });
    return true;
  }

  /**
   * Resolves the Authorization header to an actor. No header: anonymous (null). A header
   * that is not a valid, live token is refused outright rather than treated as anonymous.
   */
  async authenticate(em: EntityManager, authorization: string | undefined): Promise<Actor | null> {
    if (!authorization) return null;
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    if (!token) return null;
    if (looksLikeApiKey(token)) return this.apiKeys.authenticate(em, token);
    const claims = await this.signer.verify(token);
    if (claims === 'expired') throw unauthenticated('Your session has expired; sign in again.');
    if (!claims) throw unauthenticated('The token is not valid; sign in again.');
    const cached = this.sessions.get(claims.sessionId);
    if (cached && cached.userId === claims.userId && cached.expiresAt.getTime() > Date.now()) return userActor(cached);
    const session = await em.findOne(
      Session,
      { id: claims.sessionId, user: claims.userId, revokedAt: null, expiresAt: { $gt: new Date() } },
      { populate: ['user'] },
    );
    if (!session || !session.user.active) throw unauthenticated('Your session has ended; sign in again.');
    const facts = sessionFacts(session.user, session);
    this.sessions.set(session.id, facts);
    return userActor(facts);
  }
}
