import { createHmac, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256Hex } from '../../common/hash.js';
import type { AuthorizationChecks } from './oidc-client.js';

/** A redirect to the identity provider must come back within this time. */
const STATE_TTL_SECONDS = 10 * 60;
/** The SPA trades the one-time code for a session at once; a minute is plenty. */
export const SIGN_IN_CODE_TTL_SECONDS = 60;

function random(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The short-lived secrets of a single sign-on, each stored only as its SHA-256 and consumed by
 * one `delete … returning` (a replay finds nothing, two racing requests cannot both win):
 * - the state of a redirect to the provider, bound to the browser that started it by a cookie
 *   (so that nobody can slip their own sign-in into someone else's browser). Its nonce and PKCE
 *   verifier are derived from it with a server key, so the database holds nothing usable;
 * - the one-time code the callback hands the SPA instead of a session token in the URL.
 */
export class SsoSecrets {
  constructor(private readonly key: string) {}

  /** The nonce and PKCE verifier of a state: HMACs under the server's key. */
  checksOf(state: string): AuthorizationChecks {
    const derive = (purpose: string) => createHmac('sha256', this.key).update(`sso:${purpose}:${state}`).digest('base64url');
    return { state, nonce: derive('nonce'), codeVerifier: derive('pkce') };
  }

  /** A new state, stored hashed with the hash of the browser's binding value (the cookie's). */
  async startLogin(em: EntityManager): Promise<{ checks: AuthorizationChecks; browser: string }> {
    const state = random();
    const browser = random();
    const conn = em.getConnection();
    // Abandoned redirects are cleared as new ones start.
    await conn.execute(`delete from sso_login_state where expires_at < now()`);
    await conn.execute(
      `insert into sso_login_state (state_hash, browser_hash, expires_at) values (?, ?, now() + make_interval(secs => ?))`,
      [sha256Hex(state), sha256Hex(browser), STATE_TTL_SECONDS],
    );
    return { checks: this.checksOf(state), browser };
  }

  /** Uses up the state: its checks when it is live and the same browser brings it back, else null. */
  async finishLogin(em: EntityManager, state: string, browser: string | undefined): Promise<AuthorizationChecks | null> {
    const rows = await em
      .getConnection()
      .execute<{ browser_hash: string }[]>(
        `delete from sso_login_state where state_hash = ? and expires_at > now() returning browser_hash`,
        [sha256Hex(state)],
      );
    if (!rows.length || !browser || rows[0]!.browser_hash !== sha256Hex(browser)) return null;
    return this.checksOf(state);
  }

  /** A one-time code for this user, valid for a minute. */
  async issueCode(em: EntityManager, userId: string): Promise<string> {
    const code = random();
    const conn = em.getConnection();
    await conn.execute(`delete from sso_sign_in_code where expires_at < now()`);
    await conn.execute(`insert into sso_sign_in_code (code_hash, user_id, expires_at) values (?, ?, now() + make_interval(secs => ?))`, [
      sha256Hex(code),
      userId,
      SIGN_IN_CODE_TTL_SECONDS,
    ]);
    return code;
  }

  /** Uses up the code: the user it was issued to while live, else null. */
  async redeemCode(em: EntityManager, code: string): Promise<string | null> {
    const rows = await em
      .getConnection()
      .execute<{ user_id: string; live: boolean }[]>(
        `delete from sso_sign_in_code where code_hash = ? returning user_id, expires_at > now() as live`,
        [sha256Hex(code.slice(0, 200))],
      );
    return rows[0]?.live ? rows[0].user_id : null;
  }
}
