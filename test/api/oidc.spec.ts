import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdpForApi, walkSso, type TestIdp } from '../harness/oidc-idp.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * Single sign-on with OpenID Connect against oidc-provider in-process: the whole redirect dance
 * over plain HTTP, what the callback refuses, and the one-time code the SPA trades for a session.
 */

const SET_MAPPING = `mutation($i: SsoClaimMappingInput!) { setSsoClaimMapping(input: $i) { __typename ... on SsoClaimMapping { id } ... on ErrorResult { code message } } }`;
const COMPLETE = `mutation($c: String!) { completeSsoSignIn(code: $c) { __typename ... on LoginSuccess { token user { email role department { code } } } ... on ErrorResult { code message } } }`;

interface Complete {
  completeSsoSignIn: {
    __typename: string;
    token?: string;
    code?: string;
    user?: { email: string; role: string; department: { code: string } | null };
  };
}

let idp: TestIdp;
let server: TestServer;

beforeAll(async () => {
  const started = await startIdpForApi();
  idp = started.idp;
  server = await startTestServer({ env: started.env });
  const admin = await server.login('admin@example.com');
  for (const input of [
    { claim: 'ROLE', value: 'erp-clerk', role: 'CLERK' },
    { claim: 'ROLE', value: 'erp-head', role: 'DEPT_HEAD' },
    { claim: 'DEPARTMENT', value: 'Warehouse', department: 'WAREHOUSE' },
  ]) {
    const res = await server.gql<{ setSsoClaimMapping: { __typename: string } }>(SET_MAPPING, { i: input }, admin);
    expect(res.data?.setSsoClaimMapping.__typename, JSON.stringify(res)).toBe('SsoClaimMapping');
  }
});

afterAll(async () => {
  await server?.close();
  await idp?.close();
});

async function usersWithEmail(email: string) {
  return server.sql<{ id: string; role: string; department_code: string | null }>(
    `select id, role, department_code from app_user where lower(email) = lower($1)`,
    [email],
  );
}

describe('single sign-on', () => {
  it('is offered by signInOptions beside the password', async () => {
    const res = await server.gql<{ signInOptions: { passwordSignIn: boolean; singleSignOn: boolean } }>(
      `{ signInOptions { passwordSignIn singleSignOn } }`,
    );
    expect(res.data?.signInOptions).toEqual({ passwordSignIn: true, singleSignOn: true });
  });

  it('starts an authorization code flow with PKCE (S256), a state and a nonce, bound to the browser by a cookie', async () => {
    const started = await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' });
    expect(started.status).toBe(303);
    const authorize = new URL(started.headers.get('location')!);
    expect(authorize.origin).toBe(idp.issuer);
    const params = authorize.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(idp.clientId);
    expect(params.get('code_challenge_method')).toBe('S256');
    // A SHA-256 digest in base64url (43 characters); the verifier itself never leaves the server.
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).not.toBe(params.get('state'));
    // Each sign-in has its own state, nonce and challenge.
    const again = new URL((await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' })).headers.get('location')!).searchParams;
    for (const key of ['state', 'nonce', 'code_challenge']) expect(again.get(key)).not.toBe(params.get(key));
    expect(started.headers.getSetCookie().some((c) => c.startsWith('ot_sso='))).toBe(true);
  });

  it('creates the user on first sign-in with role and department from the claims, and hands the SPA a one-time code, not a token', async () => {
    idp.accounts.set('alice', {
      email: 'Alice.SSO@example.com',
      email_verified: true,
      name: 'Alice Sso',
      roles: ['something-else', 'erp-clerk'],
      department: 'Warehouse',
    });
    const { landing } = await walkSso(server.url, 'alice');
    expect(landing.pathname).toBe('/auth/sso');
    const code = landing.searchParams.get('code');
    expect(code).toMatch(/^[\w-]{40,}$/);
    expect([...landing.searchParams.keys()]).toEqual(['code']);

    const [user] = await usersWithEmail('alice.sso@example.com');
    expect(user).toMatchObject({ role: 'CLERK', department_code: 'WAREHOUSE' });
    const identities = await server.sql(`select issuer, subject from sso_identity where user_id = $1`, [user!.id]);
    expect(identities).toEqual([{ issuer: idp.issuer, subject: 'alice' }]);
    // The code is kept only as its hash.
    const stored = await server.sql<{ code_hash: string }>(`select code_hash from sso_sign_in_code where user_id = $1`, [user!.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.code_hash).not.toBe(code);

    const done = await server.gql<Complete>(COMPLETE, { c: code });
    expect(done.data?.completeSsoSignIn).toMatchObject({
      __typename: 'LoginSuccess',
      user: { email: 'alice.sso@example.com', role: 'CLERK', department: { code: 'WAREHOUSE' } },
    });
    const me = await server.gql<{ me: { email: string } }>(`{ me { email } }`, {}, done.data!.completeSsoSignIn.token);
    expect(me.data?.me.email).toBe('alice.sso@example.com');

    // Single use.
    const again = await server.gql<Complete>(COMPLETE, { c: code });
    expect(again.data?.completeSsoSignIn).toMatchObject({ __typename: 'SsoCodeInvalidError', code: 'SSO_CODE_INVALID' });
    // Signing in again finds the same account by (issuer, subject), even with another e-mail address.
    idp.accounts.set('alice', { ...idp.accounts.get('alice')!, email: 'alice.renamed@example.com' });
    const second = await walkSso(server.url, 'alice');
    const next = await server.gql<Complete>(COMPLETE, { c: second.landing.searchParams.get('code') });
    expect(next.data?.completeSsoSignIn.user?.email).toBe('alice.sso@example.com');
    expect(await usersWithEmail('alice.renamed@example.com')).toEqual([]);
  });

  it('links to an existing user by a verified e-mail address, and takes role and department from the claims', async () => {
    const [before] = await usersWithEmail('clerk@example.com');
    const count = (await server.sql<{ n: number }>(`select count(*)::int as n from app_user`))[0]!.n;
    idp.accounts.set('clerk-at-idp', { email: 'CLERK@example.com', email_verified: true, roles: 'erp-head', department: 'Warehouse' });
    const { landing } = await walkSso(server.url, 'clerk-at-idp');
    const done = await server.gql<Complete>(COMPLETE, { c: landing.searchParams.get('code') });
    expect(done.data?.completeSsoSignIn).toMatchObject({
      __typename: 'LoginSuccess',
      user: { email: 'clerk@example.com', role: 'DEPT_HEAD', department: { code: 'WAREHOUSE' } },
    });
    expect((await server.sql<{ n: number }>(`select count(*)::int as n from app_user`))[0]!.n).toBe(count);
    expect(await server.sql(`select subject from sso_identity where user_id = $1`, [before!.id])).toEqual([{ subject: 'clerk-at-idp' }]);
  });

  it('does not link by an unverified e-mail address', async () => {
    idp.accounts.set('mallory', { email: 'auditor@example.com', email_verified: false, roles: ['erp-clerk'] });
    const { landing } = await walkSso(server.url, 'mallory');
    expect(landing.searchParams.get('error')).toBe('email_unverified');
    expect(landing.searchParams.has('code')).toBe(false);
    expect(await server.sql(`select 1 from sso_identity where subject = 'mallory'`)).toEqual([]);
    expect((await usersWithEmail('auditor@example.com'))[0]).toMatchObject({ role: 'AUDITOR' });
  });

  it('refuses an unmapped role and creates no user', async () => {
    idp.accounts.set('bob', { email: 'bob.sso@example.com', email_verified: true, roles: ['visitor'], department: 'Warehouse' });
    const { landing } = await walkSso(server.url, 'bob');
    expect(landing.searchParams.get('error')).toBe('unmapped_role');
    expect(landing.searchParams.has('code')).toBe(false);
    expect(await usersWithEmail('bob.sso@example.com')).toEqual([]);
    expect(await server.sql(`select 1 from sso_identity where subject = 'bob'`)).toEqual([]);
  });

  it('refuses a tampered ID token (its signature no longer fits)', async () => {
    idp.accounts.set('carol', { email: 'carol.sso@example.com', email_verified: true, roles: ['erp-clerk'] });
    idp.tamperNextIdToken({ kind: 'forge', claims: { roles: ['erp-head'], department: 'Warehouse', email: 'admin@example.com' } });
    const { landing } = await walkSso(server.url, 'carol');
    expect(landing.searchParams.get('error')).toBe('id_token_invalid');
    expect(await server.sql(`select 1 from sso_identity where subject = 'carol'`)).toEqual([]);
    expect(await usersWithEmail('carol.sso@example.com')).toEqual([]);
    // Untampered, the same account gets in.
    const fair = await walkSso(server.url, 'carol');
    expect(fair.landing.searchParams.has('code')).toBe(true);
  });

  it('refuses an ID token with another nonce, even signed by the provider', async () => {
    idp.accounts.set('dave', { email: 'dave.sso@example.com', email_verified: true, roles: ['erp-clerk'] });
    idp.tamperNextIdToken({ kind: 'nonce', nonce: 'a-nonce-of-another-sign-in' });
    const { landing } = await walkSso(server.url, 'dave');
    expect(landing.searchParams.get('error')).toBe('id_token_invalid');
    expect(await usersWithEmail('dave.sso@example.com')).toEqual([]);
  });

  it('uses a state once: replaying the callback is refused, and so is a callback in another browser', async () => {
    idp.accounts.set('erin', { email: 'erin.sso@example.com', email_verified: true, roles: ['erp-clerk'] });
    const first = await walkSso(server.url, 'erin');
    expect(first.landing.searchParams.has('code')).toBe(true);
    // The same callback URL again, with the same browser's cookie from the start.
    const stateCookie = new Map<string, string>();
    const started = await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' });
    const binding = started.headers.getSetCookie().find((c) => c.startsWith('ot_sso='))!;
    expect(binding).toMatch(/HttpOnly/i);
    expect(binding).toMatch(/SameSite=Lax/i);
    stateCookie.set('ot_sso', binding.split(';')[0]!.slice('ot_sso='.length));
    const replay = await walkSso(server.url, 'erin', first.callback!.href, first.cookies);
    expect(replay.landing.searchParams.get('error')).toBe('state_invalid');

    // A fresh sign-in whose callback arrives in a browser that did not start it (login CSRF).
    const fresh = await fetch(`${server.url}/auth/oidc/start`, { redirect: 'manual' });
    const state = new URL(fresh.headers.get('location')!).searchParams.get('state')!;
    const foreign = await walkSso(
      server.url,
      'erin',
      `${server.url}/auth/oidc/callback?code=whatever&state=${encodeURIComponent(state)}`,
      stateCookie,
    );
    expect(foreign.landing.searchParams.get('error')).toBe('state_invalid');
  });

  it('a one-time code older than a minute is refused', async () => {
    idp.accounts.set('frank', { email: 'frank.sso@example.com', email_verified: true, roles: ['erp-clerk'] });
    const { landing } = await walkSso(server.url, 'frank');
    const code = landing.searchParams.get('code');
    // A minute goes by.
    await server.sql(`update sso_sign_in_code set expires_at = now() - interval '1 second'`);
    const late = await server.gql<Complete>(COMPLETE, { c: code });
    expect(late.data?.completeSsoSignIn).toMatchObject({ __typename: 'SsoCodeInvalidError', code: 'SSO_CODE_INVALID' });
    const made = await server.gql<Complete>(COMPLETE, { c: 'made-up-code' });
    expect(made.data?.completeSsoSignIn.__typename).toBe('SsoCodeInvalidError');
  });

  it('the mapping is the admin’s: a bad mapping is refused and changes nothing, a deleted one no longer lets anyone in', async () => {
    const admin = await server.login('admin@example.com');
    const bad = await server.gql<{ setSsoClaimMapping: { __typename: string; code: string } }>(
      SET_MAPPING,
      { i: { claim: 'DEPARTMENT', value: 'Nowhere', department: 'NOWHERE' } },
      admin,
    );
    expect(bad.data?.setSsoClaimMapping).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED' });
    const list = await server.gql<{ ssoClaimMappings: { id: string; claim: string; value: string; role: string | null }[] }>(
      `{ ssoClaimMappings { id claim value role department } }`,
      {},
      admin,
    );
    expect(list.data?.ssoClaimMappings.map((m) => m.value)).toEqual(['Warehouse', 'erp-clerk', 'erp-head']);
    const clerkMapping = list.data!.ssoClaimMappings.find((m) => m.value === 'erp-clerk')!;
    const deleted = await server.gql<{ deleteSsoClaimMapping: { __typename: string } }>(
      `mutation($id: ID!) { deleteSsoClaimMapping(id: $id) { __typename } }`,
      { id: clerkMapping.id },
      admin,
    );
    expect(deleted.data?.deleteSsoClaimMapping.__typename).toBe('SsoClaimMappingDeleted');
    const { landing } = await walkSso(server.url, 'frank');
    expect(landing.searchParams.get('error')).toBe('unmapped_role');
    await server.gql(SET_MAPPING, { i: { claim: 'ROLE', value: 'erp-clerk', role: 'CLERK' } }, admin);
  });
});

describe('password sign-in switched off', () => {
  let closed: TestServer;
  beforeAll(async () => {
    closed = await startTestServer({
      env: { PASSWORD_SIGN_IN: 'off', OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret },
    });
  });
  afterAll(async () => closed?.close());

  it('login refuses with a typed error and signInOptions says so, offering no demo logins', async () => {
    const res = await closed.gql<{ login: { __typename: string; code: string } }>(
      `mutation { login(email: "admin@example.com", password: "demo1234") { __typename ... on ErrorResult { code } } }`,
    );
    expect(res.data?.login).toEqual({ __typename: 'PasswordSignInDisabledError', code: 'PASSWORD_SIGN_IN_DISABLED' });
    const options = await closed.gql<{ signInOptions: unknown }>(
      `{ signInOptions { passwordSignIn singleSignOn demoPassword demoAccounts { email } } }`,
    );
    expect(options.data?.signInOptions).toEqual({ passwordSignIn: false, singleSignOn: true, demoPassword: null, demoAccounts: [] });
    expect(await closed.sql(`select 1 from user_session`)).toEqual([]);
  });
});
