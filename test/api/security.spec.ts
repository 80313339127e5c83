import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, wsExecute, type LiveClient } from '../harness/live.js';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';
import { startTestServer, type GqlResponse, type TestServer } from '../harness/server.js';
import { Workflow } from '../harness/workflow.js';

/*
 * API keys, rate limits, password changes, production hardening, headers, and the promise that
 * no credential ever comes back out of the API or lands in the audit trail.
 */

let server: TestServer;
let wf: Workflow;
const liveClients: LiveClient[] = [];

/** Every response body this file received, to scan for credentials at the end. */
const responses: { label: string; text: string }[] = [];
/** Credentials and hashes that must never appear in a response (other than the one that issues them). */
const credentials = new Set<string>(['demo1234']);

type Target = Pick<ApiServer, 'gql' | 'login'>;

async function call<T = Record<string, unknown>>(
  target: Target,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  options: { issuesCredentials?: boolean } = {},
): Promise<GqlResponse<T>> {
  const res = await target.gql<T>(query, variables, token);
  // The response that hands out a token or a secret is the one place it may appear.
  if (!options.issuesCredentials) responses.push({ label: query.slice(0, 80), text: JSON.stringify(res) });
  return res;
}

async function signIn(target: Target, email: string, password = 'demo1234'): Promise<string> {
  const token = await target.login(email, password);
  credentials.add(token);
  return token;
}

const RESULT = `__typename ... on ErrorResult { code message }`;
const CREATE_KEY = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
  ${RESULT} ... on CreateApiKeySuccess { secret apiKey { id prefix scopes lastUsedAt expiresAt revokedAt } } } }`;
const KEY_RE = /^otk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

interface CreatedKey {
  id: string;
  prefix: string;
  secret: string;
  /** The part after otk_<prefix>_ : what only the partner may know. */
  secretPart: string;
}

async function createKey(target: Target, adminToken: string, scopes: string[], expiresAt?: string): Promise<CreatedKey> {
  const res = await call<{ createApiKey: { __typename: string; secret: string; apiKey: { id: string; prefix: string } } }>(
    target,
    CREATE_KEY,
    { i: { name: `security ${scopes.join('+')}`, scopes, expiresAt } },
    adminToken,
    { issuesCredentials: true },
  );
  expect(res.data?.createApiKey.__typename, JSON.stringify(res)).toBe('CreateApiKeySuccess');
  const { secret, apiKey } = res.data!.createApiKey;
  const match = KEY_RE.exec(secret);
  expect(match, secret).not.toBeNull();
  expect(match![1]).toBe(apiKey.prefix);
  credentials.add(secret);
  credentials.add(match![2]!);
  return { id: apiKey.id, prefix: apiKey.prefix, secret, secretPart: match![2]! };
}

function errorCode(res: GqlResponse): unknown {
  return res.errors?.[0]?.extensions?.code;
}

beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
});
afterAll(async () => {
  await Promise.all(liveClients.map((c) => c.dispose()));
  await server?.close();
});

describe('API keys', () => {
  let admin: string;
  beforeAll(async () => {
    admin = await signIn(server, 'admin@example.com');
  });

  it('shows the secret once; the list and the table never hold it, only its SHA-256', async () => {
    const key = await createKey(server, admin, ['ORDERS_READ', 'TERMINATIONS_READ']);
    const list = await call<{ apiKeys: Record<string, unknown>[] }>(
      server,
      `{ apiKeys { id name prefix scopes createdAt expiresAt revokedAt lastUsedAt createdBy { email } } }`,
      {},
      admin,
    );
    expect(list.errors).toBeUndefined();
    const listed = list.data!.apiKeys.find((k) => k.id === key.id);
    expect(listed).toMatchObject({ prefix: key.prefix, scopes: ['ORDERS_READ', 'TERMINATIONS_READ'] });
    expect(JSON.stringify(list)).not.toContain(key.secretPart);

    // The ApiKey type offers no field that could carry the secret or its hash.
    const type = await call<{ __type: { fields: { name: string }[] } }>(
      server,
      `{ __type(name: "ApiKey") { fields { name } } }`,
      {},
      admin,
    );
    expect(type.data!.__type.fields.map((f) => f.name).filter((n) => /secret|hash/i.test(n))).toEqual([]);

    const [row] = await server.sql<{ row: string; secret_hash: string }>(
      `select t::text as row, t.secret_hash from api_key t where id = $1`,
      [key.id],
    );
    expect(row!.secret_hash).toBe(createHash('sha256').update(key.secretPart).digest('hex'));
    // No piece of the secret (8 characters or more) is stored anywhere in the table.
    const table = (await server.sql<{ t: string }>(`select string_agg(k::text, '|') as t from api_key k`))[0]!.t;
    for (let i = 0; i + 8 <= key.secretPart.length; i++) expect(table).not.toContain(key.secretPart.slice(i, i + 8));
  });

  it('records when a key was last used', async () => {
    const key = await createKey(server, admin, ['ORDERS_READ']);
    const lastUsed = async () =>
      (
        await call<{ apiKeys: { id: string; lastUsedAt: string | null }[] }>(server, `{ apiKeys { id lastUsedAt } }`, {}, admin)
      ).data!.apiKeys.find((k) => k.id === key.id)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    const orders = await call<{ orders: { totalCount: number } }>(server, `{ orders(first: 1) { totalCount } }`, {}, key.secret);
    expect(orders.data?.orders.totalCount).toBeGreaterThan(0);
    const used = await lastUsed();
    expect(used).not.toBeNull();
    expect(new Date(used!).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('a revoked key is refused over HTTP and WebSocket', async () => {
    const key = await createKey(server, admin, ['ORDERS_READ', 'TERMINATIONS_READ', 'EVENTS_SUBSCRIBE']);
    expect((await call(server, `{ orders(first: 1) { totalCount } }`, {}, key.secret)).errors).toBeUndefined();
    const revoked = await call<{ revokeApiKey: { __typename: string; revokedAt: string } }>(
      server,
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on ApiKey { revokedAt } } }`,
      { id: key.id },
      admin,
    );
    expect(revoked.data?.revokeApiKey.revokedAt).toBeTruthy();
    const refused = await call(server, `{ orders(first: 1) { totalCount } }`, {}, key.secret);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(refused.status).toBe(401);
    expect(refused.data?.orders ?? null).toBeNull();
    const live = liveClient(server.url, `Bearer ${key.secret}`);
    liveClients.push(live);
    await live.subscribe(`subscription { terminationChanged { kind } }`);
    expect(await live.closed).toBe(4401);
  });

  it('an expired key is refused; a key cannot be created already expired', async () => {
    const past = await call<{ createApiKey: { __typename: string; code: string } }>(
      server,
      CREATE_KEY,
      { i: { name: 'born dead', scopes: ['ORDERS_READ'], expiresAt: new Date(Date.now() - 60_000).toISOString() } },
      admin,
    );
    expect(past.data?.createApiKey).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED' });
    const key = await createKey(server, admin, ['ORDERS_READ'], new Date(Date.now() + 1500).toISOString());
    expect((await call(server, `{ orders(first: 1) { totalCount } }`, {}, key.secret)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const refused = await call(server, `{ orders(first: 1) { totalCount } }`, {}, key.secret);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).toMatch(/expired/i);
  });

  it('a key with the right prefix but a wrong secret is refused', async () => {
    const key = await createKey(server, admin, ['ORDERS_READ']);
    const forged = `otk_${key.prefix}_${'A'.repeat(43)}`;
    expect(errorCode(await call(server, `{ orders(first: 1) { totalCount } }`, {}, forged))).toBe('UNAUTHENTICATED');
  });

  it('TERMINATIONS_WRITE submits, but never approves, withdraws, resends or retries', async () => {
    const key = await createKey(server, admin, ['TERMINATIONS_WRITE', 'TERMINATIONS_READ']);
    const submitted = await call<{
      submitTermination: { __typename: string; termination: { id: string; requestedBy: { id: string; email: string | null } } };
    }>(
      server,
      `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { ${RESULT}
        ... on SubmitTerminationSuccess { termination { id requestedBy { id email } approvalSteps { id status } } } } }`,
      { i: { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE', explanation: 'submitted by a partner system' } },
      key.secret,
    );
    expect(submitted.data?.submitTermination.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    // Submitted on behalf of the key's owner (whose e-mail a key does not read: staff privacy).
    const [owner] = await server.sql<{ id: string }>(`select id from app_user where email = 'admin@example.com'`);
    expect(submitted.data!.submitTermination.termination.requestedBy).toEqual({ id: owner!.id, email: null });
    const t = await wf.get(submitted.data!.submitTermination.termination.id);
    const step = t.approvalSteps.find((s) => s.status === 'PENDING')!;
    const attempts: [string, string, Record<string, unknown>][] = [
      [
        'decideApproval',
        `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { __typename } }`,
        { i: { stepId: step.id, decision: 'APPROVE' } },
      ],
      [
        'withdrawTermination',
        `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`,
        { i: { terminationId: t.id, reason: 'partner withdraws' } },
      ],
      ['resendCustomerConfirmation', `mutation($id: ID!) { resendCustomerConfirmation(terminationId: $id) { __typename } }`, { id: t.id }],
      ['retryTerminationEffect', `mutation($id: ID!) { retryTerminationEffect(terminationId: $id) { __typename } }`, { id: t.id }],
    ];
    for (const [name, query, variables] of attempts) {
      const res = await call(server, query, variables, key.secret);
      expect(errorCode(res), name).toBe('FORBIDDEN');
    }
    const after = await wf.get(t.id);
    expect(after.status).toBe('PENDING_APPROVAL');
    expect(after.approvalSteps.find((s) => s.id === step.id)!.status).toBe('PENDING');
  });
});

/*
 * Rate limits, and the production hardening, against the in-process server and against the
 * production process (node server/dist/main.js start, NODE_ENV=production): one server per mode
 * for this file, with low limits. The production checks run first, before the rate-limit tests
 * use up the sign-ins of this address.
 */
describe.each(MODES)('%s server', (mode) => {
  let limited: ApiServer;
  beforeAll(async () => {
    limited = await startServerIn(mode, {
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_LOGIN_PER_IP: '12',
      RATE_LIMIT_PUBLIC_PER_IP: '5',
      RATE_LIMIT_API_KEY: '5',
    });
  }, 90_000);
  afterAll(async () => limited?.close());

  if (mode === 'production') describe('production mode', () => productionModeChecks(() => limited));

  describe('rate limits', () => {
    const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${RESULT} } }`;
    const expectRateLimited = (res: GqlResponse, context: string) => {
      expect(errorCode(res), context).toBe('RATE_LIMITED');
      expect(res.status, context).toBe(429);
      expect(res.errors![0]!.extensions!.retryAfter, context).toEqual(expect.any(Number));
      expect(res.errors![0]!.extensions!.retryAfter as number, context).toBeGreaterThan(0);
    };

    it('refuses an account from an address after N failed sign-ins from it, even the right password, with a retryAfter', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await call<{ login: { code: string } }>(limited, LOGIN, { e: 'clerk@example.com', p: `wrong-${i}` });
        expect(res.data?.login.code).toBe('INVALID_CREDENTIALS');
      }
      const locked = await call(limited, LOGIN, { e: 'Clerk@Example.com', p: 'demo1234' }, undefined, { issuesCredentials: true });
      expectRateLimited(locked, 'the right password after 3 failures');
      expect(JSON.stringify(locked)).not.toMatch(/"token"/);
      // Another account is not affected.
      expect(await signIn(limited, 'auditor@example.com')).toMatch(/\./);
    });

    it('limits requests with confirmation tokens per address', async () => {
      const codes: unknown[] = [];
      for (let i = 0; i < 6; i++) {
        const res =
          i % 2 === 0
            ? await call(limited, `query($t: String!) { customerConfirmation(token: $t) { ${RESULT} } }`, { t: 'A'.repeat(43) })
            : await call(limited, `mutation($i: RespondToTerminationInput!) { respondToTermination(input: $i) { ${RESULT} } }`, {
                i: { token: 'B'.repeat(43), accept: true },
              });
        codes.push(errorCode(res) ?? 'typed');
        if (i === 5) expectRateLimited(res, 'the sixth public token request');
      }
      expect(codes.slice(0, 5)).toEqual(['typed', 'typed', 'typed', 'typed', 'typed']);
    });

    it('limits each API key per minute', async () => {
      const admin = await signIn(limited, 'admin@example.com');
      const key = await createKey(limited, admin, ['ORDERS_READ']);
      for (let i = 0; i < 5; i++)
        expect((await call(limited, `{ orders(first: 1) { totalCount } }`, {}, key.secret)).errors).toBeUndefined();
      expectRateLimited(await call(limited, `{ orders(first: 1) { totalCount } }`, {}, key.secret), 'the sixth request of the key');
      // Other keys have their own budget.
      const other = await createKey(limited, admin, ['ORDERS_READ']);
      expect((await call(limited, `{ orders(first: 1) { totalCount } }`, {}, other.secret)).errors).toBeUndefined();
    });

    it('the API key limit holds over WebSocket too', async () => {
      const admin = await signIn(limited, 'admin@example.com');
      const key = await createKey(limited, admin, ['ORDERS_READ', 'TERMINATIONS_READ', 'EVENTS_SUBSCRIBE']);
      for (let i = 0; i < 5; i++) await call(limited, `{ orders(first: 1) { totalCount } }`, {}, key.secret);
      const live = liveClient(limited.url, `Bearer ${key.secret}`);
      liveClients.push(live);
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await wsExecute(live, `{ orders(first: 1) { totalCount } }`));
      // graphql-ws lets the same operations run over the socket: they must count against the key.
      expect(JSON.stringify(results), 'the exhausted key still ran queries over WebSocket').toMatch(/RATE_LIMITED/);
    });

    it('limits sign-in attempts per address', async () => {
      let last: GqlResponse | undefined;
      for (let i = 0; i < 14 && errorCode(last ?? { status: 0 }) !== 'RATE_LIMITED'; i++) {
        last = await call(limited, LOGIN, { e: `nobody-${i}@example.com`, p: 'x' });
      }
      expectRateLimited(last!, 'more sign-ins from one address than RATE_LIMIT_LOGIN_PER_IP');
    });
  });
});

describe('changePassword', () => {
  const CHANGE = `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) {
    ${RESULT} ... on InputError { field } ... on User { email } } }`;
  const NEW_PASSWORD = 'Neues-Passwort-2026';

  it('needs the old password and a sound new one', async () => {
    const token = await signIn(server, 'purchasing.head@example.com');
    const cases: [string, string, string][] = [
      ['wrong-password-1', NEW_PASSWORD, 'oldPassword'],
      ['demo1234', 'short1', 'newPassword'],
      ['demo1234', 'onlyletterslong', 'newPassword'],
      ['demo1234', '12345678901234', 'newPassword'],
      ['demo1234', `a1${'x'.repeat(250)}`, 'newPassword'],
    ];
    for (const [oldPassword, newPassword, field] of cases) {
      credentials.add(newPassword);
      const res = await call<{ changePassword: { __typename: string; code: string; field: string } }>(
        server,
        CHANGE,
        { o: oldPassword, n: newPassword },
        token,
      );
      expect(res.data?.changePassword, `${oldPassword} → ${newPassword}`).toMatchObject({ __typename: 'InputError', field });
    }
    // Still the old password.
    expect(await signIn(server, 'purchasing.head@example.com')).toBeTruthy();
  });

  it('signs out every other session; the current one keeps working', async () => {
    const current = await signIn(server, 'finance.head@example.com');
    const other = await signIn(server, 'finance.head@example.com');
    credentials.add(NEW_PASSWORD);
    const res = await call<{ changePassword: { __typename: string } }>(server, CHANGE, { o: 'demo1234', n: NEW_PASSWORD }, current);
    expect(res.data?.changePassword.__typename, JSON.stringify(res)).toBe('User');
    expect((await call<{ me: { email: string } }>(server, `{ me { email } }`, {}, current)).data?.me.email).toBe(
      'finance.head@example.com',
    );
    const ended = await call(server, `{ me { email } }`, {}, other);
    expect(errorCode(ended)).toBe('UNAUTHENTICATED');
    const oldLogin = await call<{ login: { code: string } }>(
      server,
      `mutation { login(email: "finance.head@example.com", password: "demo1234") { ${RESULT} } }`,
    );
    expect(oldLogin.data?.login.code).toBe('INVALID_CREDENTIALS');
    expect(await signIn(server, 'finance.head@example.com', NEW_PASSWORD)).toBeTruthy();
    const [{ n }] = await server.sql<{ n: string }>(
      `select count(*) as n from audit_event where action = 'user.password_changed' and entity_id = (select id::text from app_user where email = $1)`,
      ['finance.head@example.com'],
    );
    expect(Number(n)).toBe(1);
  });
});

/** What only production does: introspection, suggestions, masking, the SDL route. */
function productionModeChecks(target: () => ApiServer): void {
  let prod: ApiServer;
  let token: string;
  beforeAll(async () => {
    prod = target();
    token = await signIn(prod, 'clerk@example.com');
  });

  it('refuses introspection to anonymous callers, in every spelling', async () => {
    const attempts = [
      `{ __schema { types { name } } }`,
      `{ __type(name: "Query") { fields { name } } }`,
      `{ renamed: __schema { queryType { name } } }`,
      `query { ...F } fragment F on Query { __schema { types { name } } }`,
    ];
    for (const query of attempts) {
      const res = await call(prod, query);
      expect(errorCode(res), query).toBe('FORBIDDEN');
      expect(res.data ?? null, query).toBeNull();
    }
    // __typename is not introspection.
    expect((await call(prod, `{ __typename }`)).errors).toBeUndefined();
  });

  it('allows introspection to signed-in users', async () => {
    const res = await call<{ __schema: { queryType: { name: string } } }>(prod, `{ __schema { queryType { name } } }`, {}, token);
    expect(res.data?.__schema.queryType.name).toBe('Query');
  });

  it('suggests no field or argument names', async () => {
    for (const [query, who] of [
      [`{ mee { email } }`, token],
      [`{ mee { email } }`, undefined],
      [`{ orders(firs: 1) { totalCount } }`, token],
      [`{ me { emial } }`, token],
    ] as const) {
      const res = await call(prod, query, {}, who);
      expect(res.errors?.length, query).toBeGreaterThan(0);
      expect(JSON.stringify(res), query).not.toMatch(/Did you mean/i);
    }
  });

  it('an internal error shows only a generic message and the request id', async () => {
    await withBrokenReasons(prod, async () => {
      const res = await fetch(`${prod.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `{ terminationReasons { code labelEn } }` }),
      });
      const text = await res.text();
      responses.push({ label: 'internal error', text });
      const body = JSON.parse(text) as GqlResponse;
      expect(body.errors).toHaveLength(1);
      const [error] = body.errors!;
      expect(error!.message).toBe('Internal server error.');
      expect(Object.keys(error!.extensions!).sort()).toEqual(['code', 'requestId']);
      expect(error!.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error!.extensions!.requestId).toBe(res.headers.get('x-request-id'));
      expect(text).not.toMatch(BROKEN_DETAIL);
    });
  });

  it('the SDL is served only with credentials', async () => {
    const anonymous = await fetch(`${prod.url}/graphql/schema.graphql`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toMatch(/type Query/);
    const forged = await fetch(`${prod.url}/graphql/schema.graphql`, { headers: { authorization: 'Bearer forged.token.here' } });
    expect(forged.status).toBe(401);
    const signedIn = await fetch(`${prod.url}/graphql/schema.graphql`, { headers: { authorization: `Bearer ${token}` } });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toMatch(/type Query \{/);
  });

  describe('the WebSocket endpoint is as strict as HTTP', () => {
    let live: LiveClient;
    beforeAll(() => {
      live = liveClient(prod.url, `Bearer ${token}`);
      liveClients.push(live);
    });

    it('masks internal errors', async () => {
      await withBrokenReasons(prod, async () => {
        const res = await wsExecute(live, `{ terminationReasons { code labelEn } }`);
        responses.push({ label: 'internal error over WebSocket', text: JSON.stringify(res) });
        expect(res.errors?.[0]?.message).toBe('Internal server error.');
        expect(JSON.stringify(res)).not.toMatch(BROKEN_DETAIL);
      });
    });

    it('masks database errors (no SQL in the message)', async () => {
      // A forged page cursor reaches PostgreSQL as an invalid timestamp.
      const cursor = Buffer.from(JSON.stringify(['not a time', 'x'])).toString('base64url');
      const res = await wsExecute(live, `query($c: String) { terminations(first: 1, after: $c) { totalCount } }`, { c: cursor });
      expect(JSON.stringify(res)).not.toMatch(/select .* from|invalid input syntax/i);
    });

    it('applies the alias limit', async () => {
      const aliases = await wsExecute(live, `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: me { email }`).join(' ')} }`);
      expect(aliases.data ?? null, 'fifty aliases ran over WebSocket').toBeNull();
    });

    it('applies the depth limit', async () => {
      let inner = 'id';
      // Termination.approvalSteps → ApprovalStep.termination → … : 16 levels under the node.
      for (let i = 0; i < 16; i++) inner = i % 2 === 1 ? `approvalSteps { ${inner} }` : `termination { ${inner} }`;
      const deep = await wsExecute(live, `{ terminations(first: 1) { edges { node { ${inner} } } } }`);
      expect(deep.data ?? null, 'a query 20 levels deep ran over WebSocket').toBeNull();
    });

    it('suggests no field names', async () => {
      const res = await wsExecute(live, `{ mee { email } }`);
      expect(JSON.stringify(res)).not.toMatch(/Did you mean/i);
    });
  });
}

/** What the database says about the broken table: none of it may reach the client. */
const BROKEN_DETAIL = /label_en|column|does not exist|select |termination_reason/i;

/**
 * Breaks one table the way a bad migration would (a column the code reads is gone), for the
 * length of `fn`; it works the same on the production process, whose code cannot be patched.
 */
async function withBrokenReasons(target: Pick<ApiServer, 'sql'>, fn: () => Promise<void>): Promise<void> {
  await target.sql(`alter table termination_reason rename column label_en to label_en_broken`);
  try {
    await fn();
  } finally {
    await target.sql(`alter table termination_reason rename column label_en_broken to label_en`);
  }
}

describe('security headers and the SDL', () => {
  it('sets a strict CSP, frame-ancestors none and nosniff on the SPA and the API', async () => {
    const token = await signIn(server, 'clerk@example.com');
    const pages = [
      await fetch(`${server.url}/`),
      await fetch(`${server.url}/orders/SO-2026-00001`),
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { email } }' }),
      }),
      await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
    ];
    for (const res of pages) {
      const where = `${res.url} (${res.status})`;
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((parts) => parts[0])
          .map((parts) => [parts[0]!, parts.slice(1)]),
      );
      const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
      expect(scriptSrc, `${where}: ${csp}`).toBeDefined();
      expect(scriptSrc, where).not.toContain("'unsafe-inline'");
      expect(scriptSrc, where).not.toContain("'unsafe-eval'");
      expect(directives.get('frame-ancestors'), where).toEqual(["'none'"]);
      expect(directives.get('object-src'), where).toEqual(["'none'"]);
      expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(res.headers.get('x-powered-by'), where).toBeNull();
    }
  });

  it('serves the SDL in development without credentials', async () => {
    const res = await fetch(`${server.url}/graphql/schema.graphql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const sdl = await res.text();
    expect(sdl).toMatch(/type Query \{/);
    expect(sdl).toMatch(/type Mutation \{/);
  });
});

describe('no credential ever comes back out', () => {
  it('no output type has a password, hash or secret field (except the two that issue credentials)', async () => {
    const admin = await signIn(server, 'admin@example.com');
    const res = await call<{ __schema: { types: { name: string; kind: string; fields: { name: string }[] | null }[] } }>(
      server,
      `{ __schema { types { name kind fields { name } } } }`,
      {},
      admin,
    );
    const offenders = res
      .data!.__schema.types.filter(
        (t) => t.kind === 'OBJECT' && !t.name.startsWith('__') && !['Query', 'Mutation', 'Subscription'].includes(t.name),
      )
      .flatMap((t) => (t.fields ?? []).filter((f) => /password|hash|secret|token/i.test(f.name)).map((f) => `${t.name}.${f.name}`));
    // SignInOptions.demoPassword: the seeded demo accounts' shared password, for the sign-in page
    // outside production only (null in production and once they have their own passwords);
    // SignInOptions.passwordSignIn is a flag (whether password sign-in is offered). A webhook's
    // signing secret is issued once on create and on rotate (sealed at rest, never read back);
    // WebhookEndpoint.secretHint shows only its last characters, to tell secrets apart.
    expect(offenders.sort()).toEqual([
      'CreateApiKeySuccess.secret',
      'CreateWebhookEndpointSuccess.secret',
      'LoginSuccess.token',
      'RotateWebhookSecretSuccess.secret',
      'SignInOptions.demoPassword',
      'SignInOptions.passwordSignIn',
      'WebhookEndpoint.secretHint',
    ]);
  });

  it('reading everything an admin can read shows no token, secret, password or hash', async () => {
    const admin = await signIn(server, 'admin@example.com');
    await call(server, `{ me { id email name role permissions department { code } } }`, {}, admin);
    await call(server, `{ users { id email name role active department { code } } }`, {}, admin);
    await call(server, `{ apiKeys { id name prefix scopes lastUsedAt createdBy { email } } }`, {}, admin);
    await call(
      server,
      `{ terminations(first: 50) { edges { node { number requestedBy { email }
        customerConfirmation { status recipient note } auditTrail { action actorName actorType data } } } } }`,
      {},
      admin,
    );
    await call(server, `{ notifications(first: 50) { edges { node { title body link } } } }`, {}, admin);

    // Everything stored that must stay secret.
    const hashes = await server.sql<{ v: string }>(
      `select password_hash as v from app_user union all select secret_hash from api_key
       union all select token_hash from customer_confirmation union all select value from app_setting where key = 'auth_secret'`,
    );
    for (const { v } of hashes) credentials.add(v);
    for (const part of [...credentials].filter((c) => c.length >= 8)) {
      for (const { label, text } of responses) expect(text.includes(part), `a credential came back in: ${label}`).toBe(false);
    }
    expect(responses.length).toBeGreaterThan(20);
  });

  it('the audit trail holds no token, secret or password', async () => {
    const rows = await server.sql<{ action: string; data: string }>(`select action, data::text as data from audit_event`);
    expect(rows.length).toBeGreaterThan(0);
    for (const part of [...credentials].filter((c) => c.length >= 8)) {
      for (const row of rows) expect(row.data.includes(part), `${row.action} stores a credential`).toBe(false);
    }
  });
});
