import type { RequestContext } from '../../kernel/context.js';
import { forbidden } from '../../common/errors.js';
import { InputError, refuse, resultOf } from '../../common/business-errors.js';
import { inTransaction } from '../../kernel/transaction.js';
import { MailLanguage, NotificationPreference, STAFF_MAIL_KINDS, type StaffMailKind } from './notification-preference.entity.js';
import type { StaffMailDirectory } from './staff-mail-directory.js';

export interface NotificationPreferencesView {
  mailKinds: StaffMailKind[];
  mailLanguage: MailLanguage | null;
  /** Where the mails go: the signed-in user's own address. */
  email: string;
}

/** The signed-in user's own choice of staff mails (API keys have no mailbox). */
export class NotificationPreferencesService {
  constructor(private readonly directory: StaffMailDirectory) {}

  async mine(ctx: RequestContext): Promise<NotificationPreferencesView> {
    const actor = signedInUser(ctx);
    const row = await ctx.em.findOne(NotificationPreference, { userId: actor.userId });
    return view(row, actor.email);
  }

  async update(ctx: RequestContext, input: { mailKinds: StaffMailKind[]; mailLanguage?: MailLanguage | null }) {
    const actor = signedInUser(ctx);
    return resultOf(async () => {
      const unknown = input.mailKinds.filter((k) => !STAFF_MAIL_KINDS.includes(k));
      if (unknown.length) refuse(InputError, 'VALIDATION_FAILED', `Unknown kind of mail: ${unknown.join(', ')}.`, { field: 'mailKinds' });
      // In the order of the enum, once each: what the user sees back does not depend on clicks.
      const mailKinds = STAFF_MAIL_KINDS.filter((k) => input.mailKinds.includes(k));
      const mailLanguage = input.mailLanguage ?? null;
      const saved = await inTransaction(ctx, async ({ em, afterCommit }) => {
        await em.upsert(NotificationPreference, { userId: actor.userId, mailKinds, mailLanguage, updatedAt: new Date() });
        afterCommit(() => this.directory.changed());
        return { mailKinds, mailLanguage };
      });
      return view(saved, actor.email);
    });
  }
}

function signedInUser(ctx: RequestContext) {
  if (ctx.actor?.kind !== 'user') throw forbidden('Only a signed-in user has notification preferences.');
  return ctx.actor;
}

function view(row: Pick<NotificationPreference, 'mailKinds' | 'mailLanguage'> | null, email: string): NotificationPreferencesView {
  return { mailKinds: [...(row?.mailKinds ?? [])], mailLanguage: row?.mailLanguage ?? null, email };
}
