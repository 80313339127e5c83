import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../server/src/kernel/actor.js';
import type { FeedEvent } from '../../server/src/modules/events/event-feed.js';
import { liveClient } from '../harness/live.js';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/*
 * The partner feed `events(after:)`: every committed event in one order that a cursor can
 * resume from without a gap or a duplicate, even while many transactions commit out of order,
 * filtered by what the reader may see.
 */

let server: TestServer;
let wf: Workflow;

interface FeedNode {
  id: string;
  sequence: string;
  type: string;
  terminationNumber: string | null;
  data: Record<string, unknown>;
}
interface FeedPage {
  edges: { cursor: string; node: FeedNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PAGE = `query($after: String, $types: [EventType!], $first: Int) {
  events(after: $after, types: $types, first: $first) {
    edges { cursor node { id sequence type terminationNumber data } }
    pageInfo { hasNextPage endCursor } } }`;

async function page(token: string, variables: Record<string, unknown>) {
  return server.gql<{ events: FeedPage }>(PAGE, variables, token);
}

/** Reads from `after` to the current end of the feed. */
async function readToEnd(token: string, after: string | null, types?: string[]): Promise<{ nodes: FeedNode[]; cursor: string | null }> {
  const nodes: FeedNode[] = [];
  let cursor = after;
  for (;;) {
    const res = await page(token, { after: cursor, first: 100, types });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    nodes.push(...res.data!.events.edges.map((e) => e.node));
    cursor = res.data!.events.pageInfo.endCursor;
    if (!res.data!.events.pageInfo.hasNextPage) return { nodes, cursor };
  }
}

async function createKey(scopes: string[]): Promise<string> {
  const data = await wf.as<{ createApiKey: { __typename: string; secret: string } }>(
    'admin@example.com',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename ... on CreateApiKeySuccess { secret } } }`,
    { i: { name: `feed ${scopes.join('+')} ${Math.random()}`, scopes } },
  );
  expect(data.createApiKey.__typename).toBe('CreateApiKeySuccess');
  return data.createApiKey.secret;
}

async function setRate(token: string, day: number) {
  const validFrom = new Date(Date.UTC(2030, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const res = await server.gql<{ setExchangeRate: { __typename: string } }>(
    `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { __typename } }`,
    { i: { currency: 'USD', rate: `7.${String(day).padStart(4, '0')}`, validFrom } },
    token,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
}

async function openOrder(): Promise<string> {
  const [order] = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
       and not exists (select 1 from termination t where t.order_id = o.id)
       and exists (select 1 from purchase_order_line pl join sales_order_line l on l.id = pl.sales_order_line_id where l.order_id = o.id)
       and not (select customer_confirmation_required from contract c where c.id = o.contract_id)
     order by o.number limit 1`,
  );
  return order!.number;
}

/** Submits a termination of an order with purchase orders and approves it into effect. */
async function terminateOne(explanation: string) {
  const submitted = await wf.submit('clerk@example.com', {
    orderNumber: await openOrder(),
    reasonCode: 'DUPLICATE_ORDER',
    explanation,
    customerConfirmationRequired: false,
  });
  expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
  const done = await wf.approveAll(submitted.termination!.id);
  expect(done.status).toBe('EFFECTIVE');
  return done;
}

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer({ env: { LOG_LEVEL: 'error' } }));
  // The template database has no events yet.
  await terminateOne('feed: a first termination');
});
afterAll(async () => {
  await server?.close();
});

describe('events(after:)', () => {
  it('resumes from a cursor after 1000 concurrently committed events with no gap and no duplicate', async () => {
    const admin = await wf.token('admin@example.com');
    const start = await readToEnd(admin, null);
    expect(start.nodes.length).toBeGreaterThan(0);
    const seen: FeedNode[] = [];
    let cursor = start.cursor;
    let writing = true;
    // A reader follows the feed while 8 writers commit 1000 events, each transaction pausing a
    // random moment after its insert, so that commits overtake one another.
    const reader = (async () => {
      while (writing) {
        const next = await readToEnd(admin, cursor);
        seen.push(...next.nodes);
        cursor = next.cursor;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    let n = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const writer = new pg.Client({ connectionString: server.databaseUrl });
        await writer.connect();
        try {
          while (n < 1000) {
            const i = n++;
            await writer.query('begin');
            await writer.query(
              `insert into audit_event (id, actor_type, actor_name, action, data) values (gen_random_uuid(), 'SYSTEM', 'system', 'calendar.day_removed', $1)`,
              [{ date: '2031-01-01', burst: i }],
            );
            await writer.query('select pg_sleep(random() * 0.004)');
            await writer.query('commit');
          }
        } finally {
          await writer.end();
        }
      }),
    );
    writing = false;
    await reader;
    seen.push(...(await readToEnd(admin, cursor)).nodes);

    const ids = seen.map((node) => node.id);
    expect(new Set(ids).size, 'no event twice').toBe(ids.length);
    const committed = await server.sql<{ id: string }>(`select id from audit_event where data ? 'burst' order by tx, seq`);
    expect(committed.length).toBe(1000);
    const burst = seen.filter((node) => 'burst' in node.data);
    expect(
      burst.map((node) => node.id),
      'every committed event, in the feed order',
    ).toEqual(committed.map((r) => r.id));
  }, 120_000);

  it('never hands out a cursor past an event whose transaction is still open', async () => {
    const admin = await wf.token('admin@example.com');
    const { cursor } = await readToEnd(admin, null);
    const slow = new pg.Client({ connectionString: server.databaseUrl });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query(
        `insert into audit_event (id, actor_type, actor_name, action, data) values (gen_random_uuid(), 'SYSTEM', 'system', 'calendar.day_removed', '{"date":"2030-05-01"}')`,
      );
      // A later transaction commits first …
      await setRate(admin, 5000);
      const whileOpen = await readToEnd(admin, cursor);
      expect(
        whileOpen.nodes.map((n) => n.type),
        'held back until the older transaction ends',
      ).toEqual([]);
      await slow.query('commit');
      // … and the feed then gives both, the older first, after the cursor the reader already had.
      const after = await readToEnd(admin, cursor);
      expect(after.nodes.map((n) => n.type)).toEqual(['CALENDAR_DAY_REMOVED', 'EXCHANGE_RATE_SET']);
    } finally {
      await slow.end();
    }
  });

  it('filters by type and by what the reader may see', async () => {
    const clerk = await wf.token('clerk@example.com');
    const all = await readToEnd(clerk, null);
    expect(all.nodes.length).toBeGreaterThan(0);
    expect(
      all.nodes.some((n) => n.type.startsWith('EXCHANGE_RATE') || n.type.startsWith('USER_')),
      'admin events hidden',
    ).toBe(false);
    expect(all.nodes.some((n) => n.type === 'TERMINATION_SUBMITTED')).toBe(true);

    const submitted = await readToEnd(clerk, null, ['TERMINATION_SUBMITTED']);
    expect(submitted.nodes.length).toBeGreaterThan(0);
    expect(new Set(submitted.nodes.map((n) => n.type))).toEqual(new Set(['TERMINATION_SUBMITTED']));

    // A key that may subscribe but not read terminations sees none of theirs.
    const subscribeOnly = await createKey(['EVENTS_SUBSCRIBE']);
    const keyPage = await page(subscribeOnly, { first: 100 });
    expect(keyPage.errors).toBeUndefined();
    expect(keyPage.data!.events.edges).toEqual([]);
    const reader = await createKey(['EVENTS_SUBSCRIBE', 'TERMINATIONS_READ']);
    const readerPage = await page(reader, { first: 5, types: ['TERMINATION_SUBMITTED'] });
    expect(readerPage.data!.events.edges.length).toBeGreaterThan(0);
    expect(new Set(readerPage.data!.events.edges.map((e) => e.node.type))).toEqual(new Set(['TERMINATION_SUBMITTED']));
    // Without events:subscribe the feed is refused.
    const readOnly = await createKey(['TERMINATIONS_READ']);
    const refused = await page(readOnly, { first: 5 });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses cursors it did not hand out and page sizes out of range, with a clear message', async () => {
    const admin = await wf.token('admin@example.com');
    for (const after of ['nonsense', Buffer.from('["1","2"]').toString('base64url'), 'x'.repeat(500)]) {
      const res = await page(admin, { after, first: 5 });
      expect(res.errors?.[0]?.extensions?.code, after).toBe('BAD_USER_INPUT');
    }
    const old = Buffer.from(JSON.stringify(['1', '1', Date.now() - 91 * 86_400_000])).toString('base64url');
    const expired = await page(admin, { after: old, first: 5 });
    expect(expired.errors?.[0]?.message).toMatch(/older than the feed keeps \(90 days\)/);
    for (const first of [0, 101]) {
      const res = await page(admin, { first });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('the events of one termination', () => {
  it('carry what the effect applied, the follow-up tasks opened, and the termination for typed selections', async () => {
    const admin = await wf.token('admin@example.com');
    const { cursor } = await readToEnd(admin, null);
    const done = await terminateOne('feed: end to end');

    const res = await server.gql<{ events: { edges: { node: Record<string, unknown> }[] } }>(
      `query($after: String) { events(after: $after, first: 100) { edges { node {
         type sequence terminationNumber data
         ... on TerminationEffective { termination { number status order { number } } }
       } } } }`,
      { after: cursor },
      admin,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const nodes = res.data!.events.edges.map((e) => e.node).filter((n) => n.terminationNumber === done.number);
    const types = nodes.map((n) => n.type);
    expect(types[0]).toBe('TERMINATION_SUBMITTED');
    expect(types).toContain('APPROVAL_APPROVED');
    expect(types.filter((t) => t === 'FOLLOWUP_OPENED').length, types.join()).toBe(done.followUpTasks.length);
    expect(types.at(-1)).toBe('TERMINATION_EFFECTIVE');
    const sequences = nodes.map((n) => BigInt(n.sequence as string));
    expect([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(sequences);

    const effective = nodes.at(-1)!;
    expect(effective.termination).toEqual({ number: done.number, status: 'EFFECTIVE', order: { number: done.order.number } });
    const effect = (effective.data as { effect: { purchaseOrders: { number: string; lines: { cancelled: number }[] }[] } }).effect;
    expect(effect.purchaseOrders.length).toBeGreaterThan(0);
    expect(effect.purchaseOrders[0]!.lines[0]!.cancelled).toBeGreaterThan(0);
    expect(effective.data).toMatchObject({ from: 'PENDING_APPROVAL', to: 'EFFECTIVE', effect: { settlement: expect.any(Object) } });
  });
});

describe('payload documents (webhook bodies)', () => {
  it('run with the owner’s permissions and refuse what the owner may not read', async () => {
    const payloads = server.app.services.eventPayloads;
    const [row] = await server.sql<{ id: string }>(`select id from audit_event where action = 'termination.submitted' limit 1`);
    const ctx = server.app.systemContext();
    const event = (await server.app.services.eventFeed.byId(ctx.em, row!.id)) as FeedEvent;
    const admin = userActor({
      userId: '00000000-0000-4000-8000-000000000000',
      sessionId: 's',
      name: 'Admin',
      email: 'admin@example.com',
      role: 'ADMIN',
      departmentCode: null,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const query = `subscription { event { sequence type ... on TerminationSubmitted { termination { number } } } }`;
    expect(payloads.validate(query, admin)).toBeNull();
    const body = await payloads.render(event, query, admin);
    expect(body).toMatchObject({
      sequence: event.sequence,
      type: 'TERMINATION_SUBMITTED',
      event: { sequence: event.sequence, type: 'TERMINATION_SUBMITTED', termination: { number: event.terminationNumber } },
    });
    expect(body.errors).toBeUndefined();

    const keyWithoutRead = {
      kind: 'apiKey' as const,
      apiKeyId: 'k',
      name: 'k',
      ownerUserId: null,
      expiresAt: null,
      permissions: new Set(['events:subscribe'] as const),
    };
    expect(payloads.validate(query, keyWithoutRead)).toMatch(/may not read terminations/);
    expect(payloads.validate('{ events(first: 1) { totalCount } }', admin)).toMatch(/one subscription operation/);
    expect(payloads.validate('subscription { event { nope } }', admin)).toMatch(/not valid/);
    expect(payloads.validate('subscription { terminationChanged { kind } }', admin)).toMatch(/exactly one root field, event/);
    expect(payloads.validate('not graphql', admin)).toMatch(/not GraphQL/);

    const plain = await payloads.render(event, null, admin);
    expect(plain).toMatchObject({ id: event.id, sequence: event.sequence, type: 'TERMINATION_SUBMITTED', data: event.data });
  });
});

describe('event subscription', () => {
  it('delivers events as they commit, from a cursor when given', async () => {
    const admin = await wf.token('admin@example.com');
    const live = liveClient(server.url, `Bearer ${admin}`);
    try {
      const sub = await live.subscribe<{ type: string; data: { validFrom: string } }>(
        `subscription { event(types: [EXCHANGE_RATE_SET]) { type data } }`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = (await readToEnd(admin, null)).cursor;
      await setRate(admin, 7000);
      const day = new Date(Date.UTC(2030, 0, 1) + 7000 * 86_400_000).toISOString().slice(0, 10);
      const got = await sub
        .next((e) => e.data.validFrom === day, 5000)
        .catch((error: Error) => {
          throw new Error(`${error.message}; errors: ${JSON.stringify(sub.errors)}; events: ${JSON.stringify(sub.events).slice(0, 500)}`);
        });
      expect(got.type).toBe('EXCHANGE_RATE_SET');
      expect(sub.errors).toEqual([]);
      sub.close();
      // A reader that reconnects with its last cursor gets what it missed.
      const resumed = await live.subscribe<{ sequence: string; type: string }>(
        `subscription($after: String) { event(after: $after, types: [EXCHANGE_RATE_SET]) { sequence type } }`,
        { after: before },
      );
      const replayed = await resumed.next(() => true, 5000);
      expect(replayed).toEqual({ sequence: expect.any(String), type: 'EXCHANGE_RATE_SET' });
      resumed.close();
    } finally {
      await live.dispose();
    }
  });
});
