import http from 'node:http';
import { freePort } from '../../server/src/app/database.js';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * An identity provider for tests: oidc-provider in-process on a free port. Its interaction page
 * is a plain form (no dev interactions): whoever types an account id there is signed in as that
 * account, consent is given at once. `tamper` rewrites the next ID token the token endpoint sends.
 */

export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  roles?: string[] | string;
  department?: string;
}

export type IdTokenTamper =
  /** Changes a claim and keeps the signature, which no longer fits. */
  | { kind: 'forge'; claims: Record<string, unknown> }
  /** Signs anew with the provider's own key, with another nonce. */
  | { kind: 'nonce'; nonce: string };

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, IdpAccount>;
  /** Applied to the next token response only. */
  tamperNextIdToken(change: IdTokenTamper): void;
  close(): Promise<void>;
}

export const IDP_CLIENT_ID = 'order-termination';
export const IDP_CLIENT_SECRET = 'test-client-secret-that-is-long-enough';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/**
 * An identity provider for an API about to start on a free port, and the API's settings that make
 * it sign in through that provider (its callback on 127.0.0.1 at that port).
 */
export async function startIdpForApi(): Promise<{ idp: TestIdp; env: Record<string, string> }> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const idp = await startTestIdp(`${appUrl}/auth/oidc/callback`);
  const env = {
    PORT: String(port),
    PUBLIC_URL: appUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_SCOPES: 'openid email profile roles department',
  };
  return { idp, env };
}

export async function startTestIdp(redirectUri: string): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' } as JWK;
  let tamper: IdTokenTamper | null = null;

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: IDP_CLIENT_ID,
        client_secret: IDP_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      roles: ['roles'],
      department: ['department'],
    },
    // Claims in the ID token itself, as the application reads them from there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    // PKCE demanded of every client (by default only of public ones): a sign-in without it fails here.
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party client: consent is given without asking.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
    ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  };
  const provider = new Provider(issuer, configuration);

  // Tampering happens after the provider has answered the token request.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || !tamper || ctx.status !== 200) return;
    const body = ctx.body as { id_token?: string };
    if (!body.id_token) return;
    const change = tamper;
    tamper = null;
    const [header, , signature] = body.id_token.split('.');
    const payload = decodeJwt(body.id_token);
    if (change.kind === 'forge') {
      const forged = Buffer.from(JSON.stringify({ ...payload, ...change.claims })).toString('base64url');
      body.id_token = `${header}.${forged}.${signature}`;
    } else {
      body.id_token = await new SignJWT({ ...payload, nonce: change.nonce })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey);
    }
  });

  const callback = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url ?? '');
    if (!match) return void callback(req, res);
    void (async () => {
      try {
        await provider.interactionDetails(req, res);
        if (req.method === 'POST') {
          const login = (await readForm(req)).get('login') ?? '';
          if (!accounts.has(login)) {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            return void res.end(`<p>Unknown account ${escapeHtml(login)}</p>`);
          }
          return await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><title>Test IdP</title><link rel="icon" href="data:,"><form method="post" action="/interaction/${match[1]}">` +
            `<label>Account <input name="login" autofocus></label><button type="submit">Sign in at the IdP</button></form>`,
        );
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(error));
      }
    })();
  });

  return {
    issuer,
    clientId: IDP_CLIENT_ID,
    clientSecret: IDP_CLIENT_SECRET,
    accounts,
    tamperNextIdToken: (change) => {
      tamper = change;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Where a browser ends up after following redirects through single sign-on, and the callback URL it passed. */
export interface SsoWalk {
  /** The SPA URL the server sent the browser to (/auth/sso?code=… or ?error=…). */
  landing: URL;
  /** The callback URL as the provider sent the browser to it (to try replaying it). */
  callback: URL | null;
  cookies: Map<string, string>;
}

/**
 * A browser without a browser: follows redirects by hand with a cookie jar (one jar for both
 * hosts: the names differ), from the app's /auth/oidc/start through the provider's form, which it
 * fills with `account`, until the app sends it to the SPA.
 */
export async function walkSso(
  appUrl: string,
  account: string,
  start = `${appUrl}/auth/oidc/start`,
  jar = new Map<string, string>(),
): Promise<SsoWalk> {
  let url = start;
  let post: string | null = null;
  let callback: URL | null = null;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(`${appUrl}/auth/sso`)) return { landing: new URL(url), callback, cookies: jar };
    if (url.startsWith(`${appUrl}/auth/oidc/callback`)) callback = new URL(url);
    const res = await fetch(url, {
      method: post === null ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(post === null ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: post ?? undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value.join('=') === '';
      if (expired) jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join('='));
    }
    post = null;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
    } else if (res.status === 200 && /\/interaction\//.test(url)) {
      await res.text();
      post = new URLSearchParams({ login: account }).toString();
    } else {
      throw new Error(`single sign-on stopped at ${url}: ${res.status} ${await res.text()}`);
    }
  }
  throw new Error('single sign-on went round in circles');
}
