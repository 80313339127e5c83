import { ROLES, type Role } from '@ot/shared';
import type { OidcSettings } from '../../app/config.js';
import { makeError } from '../../common/error-result.js';
import { escapeLike } from '../../common/text.js';
import type { RequestContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { EventPublisher } from '../../kernel/live-events.js';
import { inTransaction } from '../../kernel/transaction.js';
import type { AuthService } from '../identity/auth.service.js';
import { Department } from '../identity/department.entity.js';
import { User } from '../identity/user.entity.js';
import type { IdTokenClaims, OidcClient } from './oidc-client.js';
import { SsoClaimMapping } from './sso-claim-mapping.entity.js';
import { SsoIdentity } from './sso-identity.entity.js';
import { SsoCodeInvalidError } from './sso.types.js';
import type { SsoSecrets } from './sso-secrets.js';

/** Why a single sign-on was refused; the SPA shows each in the reader's language (/auth/sso?error=…). */
export type SsoRefusal =
  | 'unmapped_role'
  | 'department_missing'
  | 'email_missing'
  | 'email_unverified'
  | 'inactive'
  | 'state_invalid'
  | 'provider_refused'
  | 'id_token_invalid'
  | 'unavailable';

/** An unusable password hash (verifyPassword knows only scrypt$…): users created by single sign-on have no password. */
const NO_PASSWORD = 'sso$none';

/** When several role values are mapped, the most privileged role wins. */
const ROLE_RANK: Record<Role, number> = { ADMIN: 4, DEPT_HEAD: 3, CLERK: 2, AUDITOR: 1 };

function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Who a verified ID token is here. Role and department come from the claims through the
 * administrators' mapping, on every sign-in (the identity provider is where they are kept). The
 * account is found by (issuer, subject); the first time by a verified e-mail address, or created.
 */
export class SsoSignInService {
  private readonly settings: OidcSettings;

  constructor(
    readonly client: OidcClient,
    readonly secrets: SsoSecrets,
    private readonly auth: AuthService,
    private readonly events: EventPublisher,
    private readonly domainEvents: DomainEvents,
  ) {
    this.settings = client.settings;
  }

  /** The user's one-time code for the SPA, or why they may not sign in (nothing is changed then). */
  async signIn(ctx: RequestContext, claims: IdTokenClaims): Promise<{ code: string } | { refused: SsoRefusal }> {
    const mappings = await ctx.em.find(SsoClaimMapping, {});
    const mapped = (claim: SsoClaimMapping['claim'], values: string[]) =>
      mappings.filter((m) => m.claim === claim && values.includes(m.value));
    const role = mapped('ROLE', claimValues(claims[this.settings.roleClaim]))
      .map((m) => m.role!)
      .sort((a, b) => ROLE_RANK[b] - ROLE_RANK[a])[0];
    if (!role || !ROLES.includes(role)) return { refused: 'unmapped_role' };
    const department = mapped('DEPARTMENT', claimValues(claims[this.settings.departmentClaim]))[0]?.department ?? null;
    if (role === 'DEPT_HEAD' && !department) return { refused: 'department_missing' };
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase().slice(0, 200) : '';
    const verified = claims.email_verified === true;

    const outcome = await inTransaction(ctx, async (scope): Promise<{ userId: string } | { refused: SsoRefusal }> => {
      const { em } = scope;
      const identity = await em.findOne(SsoIdentity, { issuer: claims.iss, subject: claims.sub }, { populate: ['user'] });
      let user = identity?.user ?? null;
      let created = false;
      if (!user) {
        if (!email) return { refused: 'email_missing' };
        user = await em.findOne(User, { email: { $ilike: escapeLike(email) } });
        // Linking an unverified address would hand its owner's account to whoever claims it.
        if (user && !verified) return { refused: 'email_unverified' };
        if (!user) {
          const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : email;
          user = em.create(User, { email, name, role, department: null, passwordHash: NO_PASSWORD });
          created = true;
        }
      }
      if (!user.active) return { refused: 'inactive' };
      const before = { role: user.role, department: user.department?.code ?? null, active: user.active };
      user.role = role;
      user.department = department ? em.getReference(Department, department) : null;
      if (identity) identity.lastSignInAt = new Date();
      else {
        em.create(SsoIdentity, { user, issuer: claims.iss, subject: claims.sub });
        await this.domainEvents.record(
          scope,
          null,
          created ? 'user.created' : 'user.sso_linked',
          created ? { email, role, department } : { issuer: claims.iss, email: user.email, created },
          { entity: { type: 'User', id: user.id } },
        );
      }
      if (!created && (before.role !== role || before.department !== department)) {
        await this.domainEvents.record(
          scope,
          null,
          'user.updated',
          { before, passwordReset: false },
          { entity: { type: 'User', id: user.id } },
        );
        const userId = user.id;
        // As when an administrator changes the role: every instance re-reads the user's sessions.
        scope.afterCommit(() => {
          this.auth.forgetUser(userId);
          this.events.credentialsEnded({ kind: 'user', userId });
        });
      }
      await em.flush();
      return { userId: user.id };
    });
    if (!('userId' in outcome)) return outcome;
    return { code: await this.secrets.issueCode(ctx.em, outcome.userId) };
  }

  /** completeSsoSignIn: the one-time code, once and within its minute, for a session like login's. */
  async complete(ctx: RequestContext, code: string, userAgent?: string) {
    const userId = await this.secrets.redeemCode(ctx.em, code);
    const user = userId ? await ctx.em.findOne(User, { id: userId, active: true }, { populate: ['department'] }) : null;
    if (!user) return makeError(SsoCodeInvalidError, 'SSO_CODE_INVALID', 'The sign-in link is not valid any more; sign in with SSO again.');
    return this.auth.startSession(ctx, user, userAgent);
  }
}
