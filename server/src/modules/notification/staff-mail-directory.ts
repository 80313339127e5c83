import type { EntityManager } from '@mikro-orm/postgresql';
import { TOPICS, type EventPublisher } from '../../kernel/live-events.js';
import type { MailLanguage, StaffMailKind } from './notification-preference.entity.js';

/** Who among the staff may get a mail of one kind: named users, heads of departments, or every member of departments. */
export interface StaffAudience {
  userIds?: readonly string[];
  headsOf?: readonly string[];
  membersOf?: readonly string[];
}

export interface StaffMailRecipient {
  userId: string;
  email: string;
  name: string;
  language: MailLanguage | null;
}

interface OptedIn {
  userId: string;
  role: string;
  department: string | null;
  kinds: ReadonlySet<string>;
}

/**
 * How long a process trusts its copy of who opted in. A change is heard at once on the instance
 * that made it and, through pub/sub, on every other; this bounds what an instance that missed
 * the message (no Redis, or cut off from it) may overlook: a mail not sent to someone who opted
 * in within the last minute. Nobody gets a mail they did not choose: recipients are read again.
 */
const SNAPSHOT_TTL_MS = 60_000;

/**
 * Who chose which staff mails. Mail is opt-in and most people never opt in, so the events of
 * the hot paths (submit, decide, effect) ask this in-memory copy first: with nobody concerned
 * opted in, a staff mail costs no SQL statement. When the copy names candidates, one statement
 * reads them (active, still opted in, their address) in the event's transaction.
 */
export class StaffMailDirectory {
  private snapshot: { at: number; optedIn: OptedIn[] } | null = null;
  private loading: Promise<OptedIn[]> | null = null;
  private generation = 0;

  constructor(private readonly events: EventPublisher) {
    void this.listen();
  }

  private async listen(): Promise<void> {
    for await (const _ of this.events.subscribe(TOPICS.staffMailPreferencesChanged)) this.forget();
  }

  /** Drops the copy (a preference changed, here or on another instance). */
  forget(): void {
    this.generation += 1;
    this.snapshot = null;
    this.loading = null;
  }

  /** Tells every instance (this one included) that someone's choices changed. */
  changed(): void {
    this.forget();
    this.events.staffMailPreferencesChanged();
  }

  /** The audience's members who opted in to `kind`, as they are now (active, with their address). */
  async recipients(em: EntityManager, kind: StaffMailKind, audience: StaffAudience): Promise<StaffMailRecipient[]> {
    const users = new Set(audience.userIds ?? []);
    const heads = new Set(audience.headsOf ?? []);
    const members = new Set(audience.membersOf ?? []);
    const candidates = (await this.optedIn(em))
      .filter((o) => o.kinds.has(kind))
      .filter(
        (o) =>
          users.has(o.userId) ||
          (o.department !== null && (members.has(o.department) || (o.role === 'DEPT_HEAD' && heads.has(o.department)))),
      )
      .map((o) => o.userId);
    if (!candidates.length) return [];
    const rows: { user_id: string; email: string; name: string; mail_language: MailLanguage | null }[] = await em.execute(
      `select u.id as user_id, u.email, u.name, u.language as mail_language
         from notification_preference p join app_user u on u.id = p.user_id
        where p.user_id in (${candidates.map(() => '?').join(', ')}) and u.active and p.mail_kinds @> ?::jsonb
        order by u.email`,
      [...candidates, JSON.stringify([kind])],
    );
    return rows.map((r) => ({ userId: r.user_id, email: r.email, name: r.name, language: r.mail_language }));
  }

  private async optedIn(em: EntityManager): Promise<OptedIn[]> {
    if (this.snapshot && Date.now() - this.snapshot.at < SNAPSHOT_TTL_MS) return this.snapshot.optedIn;
    if (!this.loading) {
      const generation = this.generation;
      const loading = this.load(em).then(
        (optedIn) => {
          // A change heard while loading makes this copy stale already: keep it for this caller only.
          if (this.generation === generation) this.snapshot = { at: Date.now(), optedIn };
          if (this.loading === loading) this.loading = null;
          return optedIn;
        },
        (error: unknown) => {
          if (this.loading === loading) this.loading = null;
          throw error;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  private async load(em: EntityManager): Promise<OptedIn[]> {
    const rows: { user_id: string; role: string; department_code: string | null; mail_kinds: string[] }[] = await em.execute(
      `select p.user_id, u.role, u.department_code, p.mail_kinds
         from notification_preference p join app_user u on u.id = p.user_id
        where u.active and jsonb_array_length(p.mail_kinds) > 0`,
    );
    return rows.map((r) => ({ userId: r.user_id, role: r.role, department: r.department_code, kinds: new Set(r.mail_kinds) }));
  }
}
