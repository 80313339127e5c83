import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { CompleteSsoSignInResult } from './sso.types.js';
import { SsoCodeInvalidError } from './sso.types.js';
import { makeError } from '../../common/error-result.js';

@Resolver()
export class SsoResolver {
  @Mutation(() => CompleteSsoSignInResult, {
    description:
      'Public. Trades the one-time code single sign-on handed the SPA (/auth/sso?code=…, valid once for 60 s) for a session, as login does',
  })
  completeSsoSignIn(@Ctx() ctx: RequestContext, @Arg('code', () => String) code: string) {
    const sso = ctx.services.sso;
    if (!sso) return makeError(SsoCodeInvalidError, 'SSO_CODE_INVALID', 'Single sign-on is not set up here.');
    return sso.complete(ctx, code);
  }
}
