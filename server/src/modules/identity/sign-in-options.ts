import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO_PASSWORD, DEMO_USERS } from '../../seed/identity-seed.js';
import { verifyPassword } from './password.js';
import { DemoAccount, SignInOptions } from './identity.types.js';
import { User } from './user.entity.js';

/**
 * What the sign-in page may offer (public). Demo accounts only outside production, and only
 * those demo users that exist, are active and still have the demo password — so a demo
 * database turned into a real one stops advertising its logins as soon as passwords change.
 * The client has no list of its own.
 */
export class SignInOptionsService {
  /** Stored hash → whether it is the demo password. Hashes are salted: the seed's users share one, so this is one scrypt per hash ever. */
  private readonly demoHashes = new Map<string, Promise<boolean>>();

  constructor(
    private readonly production: boolean,
    private readonly ways: { passwordSignIn: boolean; singleSignOn: boolean },
    /** Public facts about the installation the SPA shows (on printed pages, beside file pickers). */
    private readonly site: { companyName: string; publicUrl: string; attachmentMaxBytes: number; customerAttachmentMaxBytes: number },
  ) {}

  async get(em: EntityManager): Promise<SignInOptions> {
    const options: SignInOptions = Object.assign(new SignInOptions(), { ...this.ways, ...this.site, demoAccounts: [], demoPassword: null });
    // Demo logins are password logins: none to offer when passwords are off.
    if (this.production || !this.ways.passwordSignIn) return options;
    const users = await em.find(User, { email: { $in: DEMO_USERS.map((u) => u.email) }, active: true }, { populate: ['department'] });
    const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
    for (const demo of DEMO_USERS) {
      const user = byEmail.get(demo.email);
      if (!user || !(await this.isDemoPassword(user.passwordHash))) continue;
      options.demoAccounts.push(
        Object.assign(new DemoAccount(), {
          email: user.email,
          name: user.name,
          role: user.role,
          department: user.department?.code ?? null,
        }),
      );
    }
    if (options.demoAccounts.length) options.demoPassword = DEMO_PASSWORD;
    return options;
  }

  private isDemoPassword(hash: string): Promise<boolean> {
    let known = this.demoHashes.get(hash);
    if (!known) {
      // Bounded: each password change of a demo user adds one entry.
      if (this.demoHashes.size > 1000) this.demoHashes.clear();
      known = verifyPassword(DEMO_PASSWORD, hash).catch(() => false);
      this.demoHashes.set(hash, known);
    }
    return known;
  }
}
