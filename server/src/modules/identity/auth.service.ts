import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { makeError } from '../../common/error-result.js';
import { unauthenticated } from '../../common/errors.js';
import { userActor, type Actor } from '../../app/actor.js';
import type { RequestContext } from '../../app/context.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import { Session } from './session.entity.js';
import { TokenSigner } from './token.js';
import { InvalidCredentialsError, LoginSuccess } from './identity.types.js';
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

export class AuthService {
  constructor(
    private readonly signer: TokenSigner,
    private readonly tokenTtlSeconds: number,
  ) {}

  async login(ctx: RequestContext, email: string, password: string, userAgent?: string) {
    const user = await ctx.em.findOne(User, { email: { $ilike: email.trim() } }, { populate: ['department'] });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok || !user.active) {
      ctx.logger.info({ email: email.slice(0, 200) }, 'login refused');
      return makeError(InvalidCredentialsError, 'INVALID_CREDENTIALS', 'E-mail or password is wrong.');
    }
    const expiresAt = new Date(Date.now() + this.tokenTtlSeconds * 1000);
    const session = ctx.em.create(Session, { user, expiresAt, userAgent: userAgent?.slice(0, 255) ?? null });
    await ctx.em.flush();
    const token = await this.signer.sign({ userId: user.id, sessionId: session.id }, expiresAt);
    return Object.assign(new LoginSuccess(), { token, expiresAt, user });
  }

  async logout(ctx: RequestContext): Promise<boolean> {
    if (ctx.actor?.kind !== 'user') return false;
    await ctx.em.nativeUpdate(Session, { id: ctx.actor.sessionId, revokedAt: null }, { revokedAt: new Date() });
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
    const claims = await this.signer.verify(token);
    if (claims === 'expired') throw unauthenticated('Your session has expired; sign in again.');
    if (!claims) throw unauthenticated('The token is not valid; sign in again.');
    const session = await em.findOne(
      Session,
      { id: claims.sessionId, user: claims.userId, revokedAt: null, expiresAt: { $gt: new Date() } },
      { populate: ['user'] },
    );
    if (!session || !session.user.active) throw unauthenticated('Your session has ended; sign in again.');
    const user = session.user;
    return userActor({
      userId: user.id,
      sessionId: session.id,
      name: user.name,
      email: user.email,
      role: user.role,
      departmentCode: user.department?.code ?? null,
      expiresAt: session.expiresAt,
    });
  }
}
