import type { RequestContext } from '../../kernel/context.js';
import { User } from '../identity/user.entity.js';
import { asLanguage, DEFAULT_LANGUAGE, type Language } from './messages.js';

/** The language the caller reads in: a user's own; API keys get the product's default. */
export async function readerLanguage(ctx: RequestContext): Promise<Language> {
  if (ctx.actor?.kind !== 'user') return DEFAULT_LANGUAGE;
  const user = await ctx.loaders.one(User, ctx.actor.userId);
  return asLanguage(user?.language);
}
