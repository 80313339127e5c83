import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GqlResponse, type TestServer } from '../harness/server.js';

/*
 * Sign-in throttling an attacker cannot turn against the account's owner (OWASP Authentication
 * Cheat Sheet): failures count per (account, source address) and per source address, with growing
 * waits; an account is never locked for everybody. The source is the socket's peer unless
 * TRUST_PROXY says which proxies to believe for X-Forwarded-For.
 *
 * Different sources are real: Linux routes all of 127.0.0.0/8 to the loopback interface, so a
 * client bound to 127.0.0.2 reaches the server on 127.0.0.1 from another address.
 */

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
  __typename ... on LoginSuccess { token } ... on ErrorResult { code } } }`;

interface Source {
  /** Local address the client binds to (a real different peer address). */
  localAddress?: string;
  /** X-Forwarded-For the client claims. */
  forwardedFor?: string;
}

/** POST /graphql from a given source address, as any client on that address would. */
function postFrom(
  server: TestServer,
  source: Source,
  body: unknown,
): Promise<GqlResponse<{ login: { __typename: string; token?: string; code?: string } }>> {
  const url = new URL(`${server.url}/graphql`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: source.localAddress,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(source.forwardedFor ? { 'x-forwarded-for': source.forwardedFor } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, ...(JSON.parse(text) as object) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const signIn = (server: TestServer, source: Source, email: string, password: string) =>
  postFrom(server, source, { query: LOGIN, variables: { e: email, p: password } });
const code = (res: GqlResponse<{ login: { code?: string; __typename: string } }>) =>
  res.errors?.[0]?.extensions?.code ?? res.data?.login.code ?? res.data?.login.__typename;

function expectRateLimited(res: GqlResponse, context: string): void {
  expect(res.errors?.[0]?.extensions?.code, context).toBe('RATE_LIMITED');
  expect(res.status, context).toBe(429);
  expect(res.errors![0]!.extensions!.retryAfter, context).toEqual(expect.any(Number));
  expect(res.errors![0]!.extensions!.retryAfter as number, context).toBeGreaterThan(0);
}

/** An attacker hammers the account with wrong passwords: `attempts` tries, as fast as answered. */
async function hammer(server: TestServer, source: Source, email: string, attempts: number) {
  const outcomes: GqlResponse[] = [];
  for (let i = 0; i < attempts; i++) outcomes.push(await signIn(server, source, email, `wrong-password-${i}`));
  return outcomes;
}

describe('sign-in throttling, TRUST_PROXY unset (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('12 wrong passwords from one address do not lock the account for its owner on another address', async () => {
    const attacker: Source = { localAddress: '127.0.0.2' };
    const owner: Source = { localAddress: '127.0.0.3' };
    const outcomes = await hammer(server, attacker, 'admin@example.com', 12);
    // The attacker gets a few honest answers, then waits that grow: refused with 429 and retryAfter.
    expect(outcomes.slice(0, 3).map(code)).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS']);
    const refused = outcomes.filter((o) => code(o) === 'RATE_LIMITED');
    expect(refused.length, 'the attacker was never slowed down').toBeGreaterThan(0);
    for (const r of refused) expectRateLimited(r, 'a refused attempt of the attacker');
    // Even the right password is refused to the attacker's address while it waits.
    expectRateLimited(await signIn(server, attacker, 'admin@example.com', 'demo1234'), 'the right password from the attacking address');

    // The owner, elsewhere, signs in at once.
    const mine = await signIn(server, owner, 'admin@example.com', 'demo1234');
    expect(mine.status).toBe(200);
    expect(mine.data?.login.__typename).toBe('LoginSuccess');
    expect(mine.data?.login.token).toMatch(/\./);
  });

  it('the wait grows with every refused failure from the same address', async () => {
    const attacker: Source = { localAddress: '127.0.0.4' };
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await signIn(server, attacker, 'clerk@example.com', `nope-${i}`);
      if (code(res) === 'RATE_LIMITED') {
        waits.push(res.errors![0]!.extensions!.retryAfter as number);
        // Wait it out, then fail again: the next wait is longer.
        await new Promise((resolve) => setTimeout(resolve, (res.errors![0]!.extensions!.retryAfter as number) * 1000 + 50));
        if (waits.length === 2) break;
      }
    }
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
  });

  it('ignores X-Forwarded-For: an attacker cannot dodge the per-address limit by inventing addresses', async () => {
    const from = (i: number): Source => ({ localAddress: '127.0.0.5', forwardedFor: `203.0.113.${i}` });
    let last: GqlResponse | undefined;
    // Password spraying: one try per account, each claiming another address.
    for (let i = 0; i < 40 && code(last ?? { status: 0 }) !== 'RATE_LIMITED'; i++)
      last = await signIn(server, from(i), `nobody-${i}@example.com`, 'x');
    expectRateLimited(last!, 'more sign-ins from one socket address than allowed, whatever X-Forwarded-For says');
  });
});

describe('sign-in throttling with TRUST_PROXY=1 (one proxy in front)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => server?.close());

  it('counts by the forwarded client address: the attacker is refused, the owner behind the same proxy is not', async () => {
    const attacker: Source = { forwardedFor: '198.51.100.7' };
    const owner: Source = { forwardedFor: '198.51.100.8' };
    const outcomes = await hammer(server, attacker, 'finance.head@example.com', 12);
    expect(outcomes.filter((o) => code(o) === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expectRateLimited(await signIn(server, attacker, 'finance.head@example.com', 'demo1234'), 'the attacker, by its forwarded address');
    const mine = await signIn(server, owner, 'finance.head@example.com', 'demo1234');
    expect(mine.data?.login.__typename).toBe('LoginSuccess');
  });

  it('believes X-Forwarded-For: distinct clients behind the proxy have their own per-address budget', async () => {
    // 40 sign-ins through the one proxy connection, each from another client: none is refused.
    for (let i = 0; i < 40; i++) {
      const res = await signIn(server, { forwardedFor: `192.0.2.${i + 1}` }, `someone-${i}@example.com`, 'x');
      expect(code(res), `client ${i}`).toBe('INVALID_CREDENTIALS');
    }
  });
});

describe('failed sign-ins per address (password spraying)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_LOGIN_FAILURES_PER_IP: '5', RATE_LIMIT_LOGIN_PER_IP: '1000' } });
  });
  afterAll(async () => server?.close());

  it('an address that failed on many accounts waits, every account included; other addresses do not', async () => {
    const sprayer: Source = { localAddress: '127.0.0.6' };
    for (let i = 0; i < 5; i++)
      expect(code(await signIn(server, sprayer, `user-${i}@example.com`, 'Winter2026'))).toBe('INVALID_CREDENTIALS');
    expectRateLimited(await signIn(server, sprayer, 'gm@example.com', 'demo1234'), 'the sixth sign-in from the spraying address');
    expect((await signIn(server, { localAddress: '127.0.0.7' }, 'gm@example.com', 'demo1234')).data?.login.__typename).toBe('LoginSuccess');
  });
});

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.log('sign-in throttling across instances: skipped because REDIS_URL is not set (CI sets it)');

describe.skipIf(!REDIS_URL)('sign-in throttling shared by two instances through Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL: REDIS_URL! } });
    b = await startTestServer({ env: { REDIS_URL: REDIS_URL! }, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  // Redis outlives this run: addresses of their own keep these counters away from other runs.
  const randomLoopback = () =>
    `127.${10 + Math.floor(Math.random() * 240)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

  it('an attacker refused by one instance is refused by the other; the owner signs in on either', async () => {
    const attacker: Source = { localAddress: randomLoopback() };
    const owner: Source = { localAddress: randomLoopback() };
    const outcomes = await hammer(a, attacker, 'warehouse.head@example.com', 6);
    expect(outcomes.filter((o) => code(o) === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expectRateLimited(await signIn(b, attacker, 'warehouse.head@example.com', 'demo1234'), 'the attacker on the other instance');
    expect((await signIn(b, owner, 'warehouse.head@example.com', 'demo1234')).data?.login.__typename).toBe('LoginSuccess');
    expect((await signIn(a, owner, 'warehouse.head@example.com', 'demo1234')).data?.login.__typename).toBe('LoginSuccess');
  });
});
