import type { RequestContext } from '../../kernel/context.js';
import { forbidden } from '../../common/errors.js';
import { InputError, refuse, resultOf } from '../../common/business-errors.js';
import { inTransaction } from '../../kernel/transaction.js';
import { MailLanguage, NotificationPreference, STAFF_MAIL_KINDS, type StaffMailKind } from './notification-preference.entity.js';
import type { StaffMailDirectory } from './staff-mail-directory.js';
import { User } from '../identity/user.entity.js';
import { asLanguage } from './messages.js';

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
    const user = await ctx.em.findOneOrFail(User, { id: actor.userId });
    return view(row?.mailKinds ?? [], user.language, actor.email);
  }

  async update(ctx: RequestContext, input: { mailKinds?: StaffMailKind[] | null; mailLanguage?: MailLanguage | null }) {
    const actor = signedInUser(ctx);
    return resultOf(async () => {
      const unknown = (input.mailKinds ?? []).filter((k) => !STAFF_MAIL_KINDS.includes(k));
      if (unknown.length) refuse(InputError, 'VALIDATION_FAILED', `Unknown kind of mail: ${unknown.join(', ')}.`, { field: 'mailKinds' });
      const language = input.mailLanguage ?? null;
      if (language !== null && !Object.values(MailLanguage).includes(language)) {
        refuse(InputError, 'VALIDATION_FAILED', `Unknown language: ${String(language)}.`, { field: 'mailLanguage' });
      }
      const saved = await inTransaction(ctx, async ({ em, afterCommit }) => {
        const user = await em.findOneOrFail(User, { id: actor.userId });
        if (language) user.language = language;
        let mailKinds = (await em.findOne(NotificationPreference, { userId: actor.userId }))?.mailKinds ?? [];
        if (input.mailKinds) {
          // In the order of the enum, once each: what the user sees back does not depend on clicks.
          mailKinds = STAFF_MAIL_KINDS.filter((k) => input.mailKinds!.includes(k));
          await em.upsert(NotificationPreference, { userId: actor.userId, mailKinds, updatedAt: new Date() });
          afterCommit(() => this.directory.changed());
        }
        return { mailKinds, language: user.language };
      });
      return view(saved.mailKinds, saved.language, actor.email);
    });
  }
}

function signedInUser(ctx: RequestContext) {
  if (ctx.actor?.kind !== 'user') throw forbidden('Only a signed-in user has notification preferences.');
  return ctx.actor;
}

function view(mailKinds: StaffMailKind[], language: string, email: string): NotificationPreferencesView {
  return { mailKinds: [...mailKinds], mailLanguage: asLanguage(language) as MailLanguage, email };
}
