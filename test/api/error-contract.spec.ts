import fs from 'node:fs';
import { buildSchema, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { liveClient, wsExecute, type LiveClient, type WsResult } from '../harness/live.js';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';
import type { GqlResponse } from '../harness/server.js';

/*
 * One error contract, whatever the mode (the in-process development/test server and the
 * compiled production process), the transport (HTTP, graphql-ws) and the executor (queries are
 * compiled by graphql-jit, mutations run on graphql-js): each refusal class has one
 * extensions.code and one HTTP status; only the unexpected is INTERNAL_SERVER_ERROR, with a
 * request id and nothing else.
 */

const PUBLIC_LIMIT = 3;
/**
 * A low cost limit keeps the queries over it small. The default (QUERY_MAX_COST) is checked
 * against the SPA's queries in query-cost.spec.ts and against twelve heavy pages in hostile-input.
 */
const ENV = { RATE_LIMIT_PUBLIC_PER_IP: String(PUBLIC_LIMIT), QUERY_MAX_COST: '5000' };

/** Two levels per round: termination → approvalSteps → termination … */
function deep(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = i % 2 === 1 ? `approvalSteps { ${inner} }` : `termination { ${inner} }`;
  return `{ terminations(first: 1) { edges { node { ${inner} } } } }`;
}
/** Heavy enough per order that 100 of them are over the cost limit. */
const HEAVY = `edges { node { lines { reservations { id } purchaseOrderLines { id } } purchaseOrders { lines { id } } shipments { id } } }`;
const RULE_INPUT = {
  code: 'CONTRACT_RULE',
  department: 'FINANCE',
  stage: 3,
  condition: { always: true },
  slaHours: 24,
  descriptionZh: '错误约定',
  descriptionEn: 'error contract',
  active: false,
};

interface Refusal {
  name: string;
  who: 'anonymous' | 'clerk' | 'forged';
  query: string;
  variables?: Record<string, unknown>;
  code: string;
  status: number;
  /** Not over graphql-ws (e.g. anonymous: the socket itself is refused, see below). */
  httpOnly?: boolean;
}

/** The table: every refusal class, by the way it reaches the server. */
const REFUSALS: Refusal[] = [
  { name: 'anonymous query', who: 'anonymous', query: `{ me { id } }`, code: 'UNAUTHENTICATED', status: 401, httpOnly: true },
  {
    name: 'anonymous mutation',
    who: 'anonymous',
    query: `mutation { markNotificationsRead(ids: []) }`,
    code: 'UNAUTHENTICATED',
    status: 401,
    httpOnly: true,
  },
  { name: 'forged token', who: 'forged', query: `{ me { id } }`, code: 'UNAUTHENTICATED', status: 401, httpOnly: true },
  { name: 'forbidden query (compiled)', who: 'clerk', query: `{ users { id } }`, code: 'FORBIDDEN', status: 403 },
  {
    name: 'forbidden mutation (graphql-js)',
    who: 'clerk',
    query: `mutation($i: ApprovalRuleInput!) { createApprovalRule(input: $i) { __typename } }`,
    variables: { i: RULE_INPUT },
    code: 'FORBIDDEN',
    status: 403,
  },
  {
    name: 'bad argument in a query (compiled)',
    who: 'clerk',
    query: `{ orders(first: 0) { totalCount } }`,
    code: 'BAD_USER_INPUT',
    status: 400,
  },
  {
    name: 'bad argument in a mutation (graphql-js)',
    who: 'clerk',
    query: `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`,
    variables: { ids: ['not-an-id'] },
    code: 'BAD_USER_INPUT',
    status: 400,
  },
  {
    name: 'variable of the wrong type',
    who: 'clerk',
    query: `query($n: Int) { orders(first: $n) { totalCount } }`,
    variables: { n: 'many' },
    code: 'BAD_USER_INPUT',
    status: 400,
  },
  {
    name: 'NUL in a variable',
    who: 'clerk',
    query: `query($s: String) { orders(filter: { search: $s }, first: 1) { totalCount } }`,
    variables: { s: 'a\u0000b' },
    code: 'BAD_USER_INPUT',
    status: 400,
  },
  { name: 'unknown field', who: 'clerk', query: `{ me { nope } }`, code: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
  { name: 'depth limit', who: 'clerk', query: deep(14), code: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
  {
    name: 'cost limit, literal first',
    who: 'clerk',
    query: `{ orders(first: 100) { ${HEAVY} } }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
  },
  {
    name: 'cost limit, first from a variable',
    who: 'clerk',
    query: `query($n: Int) { orders(first: $n) { ${HEAVY} } }`,
    variables: { n: 100 },
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
  },
  {
    name: 'cost limit, first from a variable default',
    who: 'clerk',
    query: `query($n: Int = 100) { orders(first: $n) { ${HEAVY} } }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
  },
  {
    name: 'alias limit',
    who: 'clerk',
    query: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
  },
  { name: 'syntax error', who: 'clerk', query: `{ me { id `, code: 'GRAPHQL_PARSE_FAILED', status: 400 },
  { name: 'token limit', who: 'clerk', query: `{ me { ${'email '.repeat(3100)}} }`, code: 'GRAPHQL_PARSE_FAILED', status: 400 },
  {
    name: 'subscription over HTTP',
    who: 'clerk',
    query: `subscription { terminationChanged { kind } }`,
    code: 'BAD_REQUEST',
    status: 400,
    httpOnly: true,
  },
];

/** Every field of the schema that takes a list size (first/last), as `Type.field`. */
const SCHEMA = buildSchema(fs.readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const LIST_FIELDS = Object.values(SCHEMA.getTypeMap())
  .filter(isObjectType)
  .filter((type) => !type.name.startsWith('__'))
  .flatMap((type) =>
    Object.values(type.getFields())
      .filter((field) => field.args.some((a) => a.name === 'first' || a.name === 'last'))
      .map((field) => `${type.name}.${field.name}`),
  );
/** Aliases of one list field per query: over the cost limit with 100 items each, well within it with 20. */
const COPIES = 3;
/** Arguments a list field requires besides its page (an unknown id: the list is empty, the cost the same). */
const REQUIRED_ARGS: Record<string, string> = {
  webhookDeliveries: 'endpointId: "00000000-0000-4000-8000-000000000000"',
  approvalBoardCards: 'department: "SALES"',
};
const withRequired = (field: string, argument: string) => {
  const required = REQUIRED_ARGS[field];
  if (!required) return argument;
  return argument ? argument.replace('(', `(${required}, `) : `(${required})`;
};
const listQuery = (field: string, argument: string, declaration = '') =>
  `query${declaration} { ${Array.from(
    { length: COPIES },
    (_, i) => `c${i}: ${field}${withRequired(field, argument)} { edges { cursor node { __typename } } pageInfo { hasNextPage } }`,
  ).join(' ')} }`;

describe.each(MODES)('%s server', (mode) => {
  let server: ApiServer;
  let clerk: string;
  let live: LiveClient;
  const sockets: LiveClient[] = [];

  beforeAll(async () => {
    server = await startServerIn(mode, ENV);
    clerk = await server.login('clerk@example.com');
    live = liveClient(server.url, `Bearer ${clerk}`);
    sockets.push(live);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await server?.close();
  });

  const bearer = (who: Refusal['who']) => (who === 'clerk' ? clerk : who === 'forged' ? 'forged.token.value' : undefined);

  function expectClean(body: unknown, context: string): void {
    const text = JSON.stringify(body);
    expect(text, context).not.toMatch(/stacktrace|node_modules|at .*\.(js|ts):\d+/);
  }

  describe('over HTTP', () => {
    it.each(REFUSALS.map((r) => [r.name, r] as const))('%s', async (_name, r) => {
      const res = await server.gql(r.query, r.variables ?? {}, bearer(r.who));
      const context = `${mode} ${r.name}: ${res.status} ${JSON.stringify(res).slice(0, 400)}`;
      expect(res.errors?.[0]?.extensions?.code, context).toBe(r.code);
      expect(res.status, context).toBe(r.status);
      expect(res.errors?.[0]?.extensions?.requestId, context).toMatch(/^[\w-]{8,}$/);
      expectClean(res, context);
    });

    it('RATE_LIMITED is 429 with retryAfter (public confirmation-link operations)', async () => {
      let last: GqlResponse | undefined;
      for (let i = 0; i <= PUBLIC_LIMIT; i++) {
        last =
          i % 2 === 0
            ? await server.gql(`query($t: String!) { customerConfirmation(token: $t) { __typename } }`, { t: 'A'.repeat(43) })
            : await server.gql(`mutation($i: RespondToTerminationInput!) { respondToTermination(input: $i) { __typename } }`, {
                i: { token: 'B'.repeat(43), accept: true },
              });
      }
      const context = JSON.stringify(last);
      expect(last!.errors?.[0]?.extensions?.code, context).toBe('RATE_LIMITED');
      expect(last!.status, context).toBe(429);
      expect(last!.errors![0]!.extensions!.retryAfter, context).toBeGreaterThan(0);
      expectClean(last, context);
    });

    it('INTERNAL_SERVER_ERROR is 500 with a generic message and the request id, nothing else', async () => {
      await withBrokenReasons(server, async () => {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
          body: JSON.stringify({ query: `{ terminationReasons { code labelEn } }` }),
        });
        const text = await res.text();
        const body = JSON.parse(text) as GqlResponse;
        expect(res.status, text).toBe(500);
        expect(body.errors, text).toHaveLength(1);
        expect(body.errors![0]!.message).toBe('Internal server error.');
        expect(Object.keys(body.errors![0]!.extensions!).sort()).toEqual(['code', 'requestId']);
        expect(body.errors![0]!.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
        expect(body.errors![0]!.extensions!.requestId).toBe(res.headers.get('x-request-id'));
        expect(text).not.toMatch(/label_en|column|relation|select /i);
      });
    });

    it('SERVICE_UNAVAILABLE is 503 while the database is unreachable, and it recovers', async () => {
      await server.databaseOutage();
      let res: GqlResponse;
      try {
        res = await server.gql(`{ orders(first: 1) { totalCount } }`, {}, clerk);
      } finally {
        await server.restoreDatabase();
      }
      const context = JSON.stringify(res);
      expect(res.errors?.[0]?.extensions?.code, context).toBe('SERVICE_UNAVAILABLE');
      expect(res.status, context).toBe(503);
      expectClean(res, context);
      let recovered = false;
      for (let i = 0; i < 50 && !recovered; i++) {
        recovered = (await server.gql(`{ orders(first: 1) { totalCount } }`, {}, clerk)).errors === undefined;
        if (!recovered) await new Promise((r) => setTimeout(r, 200));
      }
      expect(recovered).toBe(true);
    });
  });

  describe('over graphql-ws', () => {
    it.each(REFUSALS.filter((r) => !r.httpOnly).map((r) => [r.name, r] as const))('%s', async (_name, r) => {
      const res = await wsExecute(live, r.query, r.variables ?? {});
      const context = `${mode} ${r.name}: ${JSON.stringify(res).slice(0, 400)}`;
      expect(res.errors?.[0]?.extensions?.code, context).toBe(r.code);
      expect(res.data ?? null, context).toBeNull();
      expectClean(res, context);
    });

    it('RATE_LIMITED carries retryAfter', async () => {
      let last: WsResult | undefined;
      for (let i = 0; i <= PUBLIC_LIMIT && last?.errors?.[0]?.extensions?.code !== 'RATE_LIMITED'; i++) {
        last = await wsExecute(live, `query($t: String!) { customerConfirmation(token: $t) { __typename } }`, { t: 'C'.repeat(43) });
      }
      expect(last!.errors?.[0]?.extensions?.code, JSON.stringify(last)).toBe('RATE_LIMITED');
      expect(last!.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
    });

    it('INTERNAL_SERVER_ERROR: a generic message, no internals', async () => {
      await withBrokenReasons(server, async () => {
        const res = await wsExecute(live, `{ terminationReasons { code labelEn } }`);
        expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res)).toBe('INTERNAL_SERVER_ERROR');
        expect(res.errors![0]!.message).toBe('Internal server error.');
        expect(JSON.stringify(res)).not.toMatch(/label_en|column|relation|select /i);
      });
    });

    it('refuses an anonymous connection (4401)', async () => {
      const anonymous = liveClient(server.url);
      sockets.push(anonymous);
      expect(await anonymous.closed).toBe(4401);
    });

    it('closes a connection whose message is over 1 MB (1009) before reading it', async () => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'p'.repeat(2_000_000) } }));
      expect(await closed).toBe(1009);
      // The server is still there for everyone else.
      expect((await wsExecute(live, `{ me { email } }`)).data).toEqual({ me: { email: 'clerk@example.com' } });
    });
  });

  describe('the cost limit counts each list at the size it will really have', () => {
    let admin: string;
    beforeAll(async () => {
      admin = await server.login('admin@example.com');
    });

    it('the list fields are root query fields (extend the cases below for a nested one)', () => {
      expect(LIST_FIELDS.length).toBeGreaterThan(0);
      expect(LIST_FIELDS.filter((f) => !f.startsWith('Query.'))).toEqual([]);
    });

    it.each(LIST_FIELDS)('%s: first from a literal, a variable, a variable default or the page size', async (path) => {
      const field = path.split('.')[1]!;
      const refused = async (query: string, variables: Record<string, unknown>, label: string) => {
        const res = await server.gql(query, variables, admin);
        const context = `${mode} ${path} ${label}: ${res.status} ${JSON.stringify(res).slice(0, 300)}`;
        expect(res.errors?.[0]?.extensions?.code, context).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(res.errors?.[0]?.message, context).toMatch(/cost limit/i);
        expect(res.status, context).toBe(400);
        expect(res.data ?? null, context).toBeNull();
      };
      const answered = async (query: string, variables: Record<string, unknown>, label: string) => {
        const res = await server.gql<Record<string, { edges: unknown[] }>>(query, variables, admin);
        const context = `${mode} ${path} ${label}: ${JSON.stringify(res).slice(0, 300)}`;
        if (field === 'mailbox' && mode === 'production') {
          // The production process sends through SMTP, so the dev mailbox is off: past the cost
          // check, that is the only refusal.
          expect(
            res.errors?.map((e) => e.extensions?.code),
            context,
          ).toEqual(['DEV_MAILBOX_OFF']);
          return;
        }
        expect(res.errors, context).toBeUndefined();
        expect(res.data?.c0?.edges, context).toEqual(expect.any(Array));
      };
      await refused(listQuery(field, '(first: 100)'), {}, 'literal 100');
      await refused(listQuery(field, '(first: $n)', '($n: Int)'), { n: 100 }, 'variable n = 100');
      await refused(listQuery(field, '(first: $n)', '($n: Int = 100)'), {}, 'variable default 100');
      // The same shapes with small lists, and without first (the page size, 20), are answered.
      await answered(listQuery(field, '(first: $n)', '($n: Int)'), { n: 5 }, 'variable n = 5');
      await answered(listQuery(field, ''), {}, 'no first');
      // And over graphql-ws the same.
      const ws = await wsExecute(live, listQuery(field, '(first: $n)', '($n: Int)'), { n: 100 });
      expect(ws.errors?.[0]?.extensions?.code, JSON.stringify(ws).slice(0, 300)).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });

  describe('suggestions ("Did you mean …")', () => {
    const TYPOS: [string, string, Record<string, unknown>?][] = [
      ['field', `{ mee { email } }`],
      ['argument', `{ orders(firs: 1) { totalCount } }`],
      ['type', `query($f: OrderFiltr) { orders(filter: $f, first: 1) { totalCount } }`],
      ['enum literal', `mutation { decideApproval(input: { stepId: "x", decision: APROVE }) { __typename } }`],
      [
        'enum in a variable',
        `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { __typename } }`,
        { i: { stepId: '00000000-0000-4000-8000-000000000000', decision: 'APROVE' } },
      ],
    ];
    it.each(TYPOS)(
      `${mode === 'production' ? 'none' : 'offered'} for a mistyped %s, over HTTP and WebSocket`,
      async (_what, query, variables) => {
        for (const who of [undefined, clerk]) {
          const res = await server.gql(query, variables ?? {}, who);
          const context = `${mode}: ${JSON.stringify(res)}`;
          expect(res.errors?.length, context).toBeGreaterThan(0);
          expect(res.status, context).toBeLessThan(500);
          if (mode === 'production') expect(context).not.toMatch(/Did you mean/i);
          // In development the same typo does get a suggestion: the cases are real typos.
          else if (who) expect(context).toMatch(/Did you mean/i);
        }
        const ws = await wsExecute(live, query, variables ?? {});
        expect(ws.errors?.length, JSON.stringify(ws)).toBeGreaterThan(0);
        expect(ws.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
        if (mode === 'production') expect(JSON.stringify(ws)).not.toMatch(/Did you mean/i);
      },
    );
  });
});

/**
 * Breaks one table the way a bug or a bad migration would (a column the code reads is gone),
 * for the length of `fn`: the API must answer INTERNAL_SERVER_ERROR without telling why.
 */
async function withBrokenReasons(server: ApiServer, fn: () => Promise<void>): Promise<void> {
  await server.sql(`alter table termination_reason rename column label_en to label_en_broken`);
  try {
    await fn();
  } finally {
    await server.sql(`alter table termination_reason rename column label_en_broken to label_en`);
  }
}
