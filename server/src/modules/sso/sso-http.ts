import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type express from 'express';
import { createContext, type Services } from '../../kernel/context.js';
import type { Logger } from '../../kernel/logger.js';
import type { SsoRefusal, SsoSignInService } from './sso-sign-in.service.js';

/** Binds a redirect to the browser that started it; sent back on the provider's top-level redirect (SameSite=Lax). */
const COOKIE = 'ot_sso';

function cookie(req: express.Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export interface SsoHttpDeps {
  orm: MikroORM;
  services: Services;
  logger: Logger;
  signIn: SsoSignInService;
  publicUrl: string;
}

/**
 * GET /auth/oidc/start sends the browser to the identity provider; GET /auth/oidc/callback takes
 * it back, checks everything and sends it on to the SPA's /auth/sso with a one-time code (never a
 * session token in a URL), or with ?error=… saying why not.
 */
export function mountSso(app: express.Express, deps: SsoHttpDeps): void {
  const { orm, logger } = deps;
  const { client, secrets } = deps.signIn;
  const secure = deps.publicUrl.startsWith('https:');
  const toSpa = (res: express.Response, query: Record<string, string>) => {
    res.setHeader('cache-control', 'no-store');
    res.redirect(303, `${deps.publicUrl}/auth/sso?${new URLSearchParams(query)}`);
  };
  const refuse = (res: express.Response, reason: SsoRefusal) => toSpa(res, { error: reason });

  app.get('/auth/oidc/start', async (_req, res) => {
    try {
      const { checks, browser } = await secrets.startLogin(orm.em.fork());
      const url = await client.authorizationUrl(checks);
      res.cookie(COOKIE, browser, { httpOnly: true, sameSite: 'lax', secure, path: '/auth/oidc', maxAge: 10 * 60 * 1000 });
      res.setHeader('cache-control', 'no-store');
      res.redirect(303, url.href);
    } catch (error) {
      logger.error({ err: error, requestId: res.locals.requestId }, 'single sign-on could not start');
      refuse(res, 'unavailable');
    }
  });

  app.get('/auth/oidc/callback', async (req, res) => {
    const requestId = String(res.locals.requestId ?? randomUUID());
    const query = new URLSearchParams(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    res.clearCookie(COOKIE, { path: '/auth/oidc' });
    const em = orm.em.fork();
    // The state is used up whatever follows: a second try with the same URL finds nothing.
    const checks = await secrets.finishLogin(em, query.get('state') ?? '', cookie(req, COOKIE)).catch((error: unknown) => {
      logger.error({ err: error, requestId }, 'single sign-on state could not be read');
      return null;
    });
    if (!checks) return refuse(res, 'state_invalid');
    if (query.has('error')) {
      logger.info({ requestId, error: query.get('error') }, 'identity provider refused the sign-in');
      return refuse(res, 'provider_refused');
    }
    // The URL registered at the provider, with the parameters it sent: never the Host header's idea of it.
    const callbackUrl = new URL(client.redirectUri);
    callbackUrl.search = query.toString();
    let claims;
    try {
      claims = await client.exchange(callbackUrl, checks);
    } catch (error) {
      logger.warn({ err: error, requestId }, 'single sign-on: the code exchange or the ID token was refused');
      return refuse(res, 'id_token_invalid');
    }
    try {
      const ctx = createContext({
        requestId,
        em,
        actor: null,
        services: deps.services,
        logger: logger.child({ requestId }),
        ip: req.ip ?? '',
      });
      const outcome = await deps.signIn.signIn(ctx, claims);
      if ('refused' in outcome) {
        logger.info({ requestId, reason: outcome.refused, issuer: claims.iss, subject: claims.sub }, 'single sign-on refused');
        return refuse(res, outcome.refused);
      }
      toSpa(res, { code: outcome.code });
    } catch (error) {
      logger.error({ err: error, requestId }, 'single sign-on failed');
      refuse(res, 'unavailable');
    }
  });
}
