import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const LOGIN = `mutation($e:String!,$p:String!){ login(email:$e,password:$p){
  __typename ... on LoginSuccess { token expiresAt user { email role department { code nameZh } } }
  ... on ErrorResult { code message } } }`;

describe('sign-in', () => {
  it('returns a token and the user for the right password', async () => {
    const res = await server.gql<{ login: { __typename: string; token: string; user: { role: string; department: { code: string } } } }>(
      LOGIN,
      { e: 'clerk@example.com', p: 'demo1234' },
    );
    expect(res.data?.login.__typename).toBe('LoginSuccess');
    expect(res.data?.login.token.split('.')).toHaveLength(3);
    expect(res.data?.login.user).toMatchObject({ role: 'CLERK', department: { code: 'SALES' } });
  });

  it('accepts the e-mail in any case', async () => {
    const res = await server.gql<{ login: { __typename: string } }>(LOGIN, { e: 'Clerk@Example.COM', p: 'demo1234' });
    expect(res.data?.login.__typename).toBe('LoginSuccess');
  });

  it('refuses a wrong password and an unknown e-mail with the same typed error', async () => {
    const wrong = await server.gql<{ login: unknown }>(LOGIN, { e: 'clerk@example.com', p: 'nope-nope' });
    const unknown = await server.gql<{ login: unknown }>(LOGIN, { e: 'nobody@example.com', p: 'demo1234' });
    expect(wrong.data?.login).toEqual({
      __typename: 'InvalidCredentialsError',
      code: 'INVALID_CREDENTIALS',
      message: 'E-mail or password is wrong.',
    });
    expect(unknown.data?.login).toEqual(wrong.data?.login);
  });

  it('me returns the signed-in user, and the token is refused after logout', async () => {
    const token = await server.login('finance.head@example.com');
    const me = await server.gql<{ me: { email: string; permissions: string[] } }>(`{ me { email permissions } }`, {}, token);
    expect(me.data?.me.email).toBe('finance.head@example.com');
    expect(me.data?.me.permissions).toContain('approvals:decide');
    const out = await server.gql<{ logout: boolean }>(`mutation { logout }`, {}, token);
    expect(out.data?.logout).toBe(true);
    const after = await server.gql(`{ me { email } }`, {}, token);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.status).toBe(401);
  });

  it('refuses anonymous, forged and garbage tokens with UNAUTHENTICATED', async () => {
    const anonymous = await server.gql(`{ orders(first: 1) { totalCount } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.orders ?? null).toBeNull();
    const token = await server.login('clerk@example.com');
    const [h, p] = token.split('.');
    const forged = await server.gql(`{ me { email } }`, {}, `${h}.${p}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const garbage = await server.gql(`{ me { email } }`, {}, 'not-a-token');
    expect(garbage.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stores only password hashes', async () => {
    const rows = await server.sql<{ password_hash: string }>(`select password_hash from app_user`);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain('demo1234');
    }
  });
});
