import { buildSchema, GraphQLError, parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { userActor, type Actor } from '../kernel/actor.js';
import { liveExecutions } from '../kernel/metrics.js';
import { createAppPubSub } from '../kernel/pubsub.js';
import { audienceKey, readsOnlyTheEvent, subscriberVisibility } from './live-audience.js';
import { SubscriptionHub } from './subscription-hub.js';

/**
 * A schema like ours: the root field resolves to the published event; `note` is a field with a
 * resolver of its own that reads the caller (like a localized or contact field), and fails for
 * anyone but a department head. Events come through the real in-process pub/sub.
 */
function liveSchema(pubsub: ReturnType<typeof createAppPubSub>['pubSub'], resolved: { count: number }) {
  const schema = buildSchema(`
    type Query { ok: Boolean }
    type Card { number: String!, department: String!, note: String }
    type Subscription { board(department: String!): Card! }
  `);
  const board = schema.getSubscriptionType()!.getFields().board!;
  board.subscribe = (_root, args: { department: string }) =>
    pubsub.subscribe<{ department: string }>('BOARD', (event) => event.department === args.department);
  board.resolve = (event: unknown) => event;
  const card = schema.getType('Card') as import('graphql').GraphQLObjectType;
  card.getFields().note!.resolve = async (event: { number: string }, _args, context: { actor: Actor }) => {
    resolved.count += 1;
    await new Promise((r) => setTimeout(r, 5));
    if (context.actor.kind !== 'user' || context.actor.role !== 'DEPT_HEAD') throw new Error(`secret of ${event.number}`);
    return `${event.number} for ${context.actor.name}`;
  };
  return schema;
}

/** A socket that records what the hub writes to it. */
class RecordingSocket {
  readyState: number = WebSocket.OPEN;
  readonly frames: Buffer[] = [];
  send(data: string | Buffer): void {
    this.frames.push(Buffer.isBuffer(data) ? data : Buffer.from(data));
  }
  messages(): { id: string; type: string; payload: ExecutionResult }[] {
    return this.frames.map((f) => JSON.parse(f.toString('utf8')));
  }
}

const head = (userId: string) =>
  userActor({
    userId,
    sessionId: `s-${userId}`,
    name: `Head ${userId}`,
    email: `${userId}@x`,
    role: 'DEPT_HEAD',
    departmentCode: 'SALES',
    expiresAt: new Date(Date.now() + 3_600_000),
  });
const auditor = userActor({
  userId: 'aud',
  sessionId: 's-aud',
  name: 'Auditor',
  email: 'a@x',
  role: 'AUDITOR',
  departmentCode: null,
  expiresAt: new Date(Date.now() + 3_600_000),
});

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 15));
}

async function setup() {
  const { pubSub } = createAppPubSub(undefined);
  const resolved = { count: 0 };
  const schema = liveSchema(pubSub, resolved);
  const presented: string[] = [];
  const hub = new SubscriptionHub((result, args) => {
    const requestId = (args.contextValue as { requestId: string }).requestId;
    presented.push(requestId);
    return {
      ...result,
      errors: result.errors!.map((e) => new GraphQLError('Internal server error.', { path: e.path, extensions: { requestId } })),
    };
  });
  const streams: AsyncGenerator<ExecutionResult>[] = [];
  const subscribe = async (query: string, variables: Record<string, unknown>, actor: Actor, requestId: string) => {
    const socket = new RecordingSocket();
    const args: ExecutionArgs = { schema, document: parse(query), variableValues: variables, contextValue: { actor, requestId } };
    hub.deliverTo(args.contextValue as object, socket as unknown as WebSocket, 'sub-1');
    const stream = (await hub.subscribe(args)) as AsyncGenerator<ExecutionResult>;
    streams.push(stream);
    // graphql-ws waits on the stream as it would on any subscription.
    void stream.next();
    return { socket, stream, args };
  };
  return { pubSub, resolved, schema, hub, presented, subscribe, streams };
}

const PLAIN = `subscription($d: String!) { board(department: $d) { number department } }`;
const WITH_NOTE = `subscription($d: String!) { board(department: $d) { number note } }`;

describe('the live fan-out hub', () => {
  it('executes an event once per group: 20 subscribers in 2 visibility groups, 2 executions, the same bytes within a group', async () => {
    const { pubSub, resolved, subscribe } = await setup();
    const a = await Promise.all(Array.from({ length: 10 }, (_, i) => subscribe(WITH_NOTE, { d: 'SALES' }, head('h1'), `a${i}`)));
    const b = await Promise.all(Array.from({ length: 10 }, (_, i) => subscribe(WITH_NOTE, { d: 'SALES' }, auditor, `b${i}`)));
    const before = (await liveExecutions.get()).values.find((v) => v.labels.field === 'board')?.value ?? 0;
    pubSub.publish('BOARD', { number: 'TR-1', department: 'SALES' });
    await settle();
    const after = (await liveExecutions.get()).values.find((v) => v.labels.field === 'board')?.value ?? 0;
    expect(after - before).toBe(2);
    expect(resolved.count).toBe(2);
    for (const s of [...a, ...b]) expect(s.socket.frames).toHaveLength(1);
    // Within a group one serialized message goes to every socket.
    expect(new Set(a.map((s) => s.socket.frames[0]))).toHaveLength(1);
    expect(a[0]!.socket.messages()[0]).toEqual({
      id: 'sub-1',
      type: 'next',
      payload: { data: { board: { number: 'TR-1', note: 'TR-1 for Head h1' } } },
    });
  });

  it('keeps errors in their group, presented per subscriber with its own request id', async () => {
    const { pubSub, subscribe, presented } = await setup();
    const heads = await Promise.all([
      subscribe(WITH_NOTE, { d: 'SALES' }, head('h1'), 'h-1'),
      subscribe(WITH_NOTE, { d: 'SALES' }, head('h1'), 'h-2'),
    ]);
    const auditors = await Promise.all([
      subscribe(WITH_NOTE, { d: 'SALES' }, auditor, 'a-1'),
      subscribe(WITH_NOTE, { d: 'SALES' }, auditor, 'a-2'),
    ]);
    pubSub.publish('BOARD', { number: 'TR-2', department: 'SALES' });
    await settle();
    for (const s of heads)
      expect(s.socket.messages()[0]!.payload).toEqual({ data: { board: { number: 'TR-2', note: 'TR-2 for Head h1' } } });
    const seen = auditors.map((s) => s.socket.messages()[0]!.payload);
    expect(seen.map((p) => p.errors?.[0]?.extensions?.requestId)).toEqual(['a-1', 'a-2']);
    expect(JSON.stringify(seen)).not.toContain('secret of');
    expect(presented.sort()).toEqual(['a-1', 'a-2']);
  });

  it('shares one execution across users when the operation reads only the event, and applies each subscriber’s filter', async () => {
    const { pubSub, resolved, subscribe } = await setup();
    const sales = await Promise.all([subscribe(PLAIN, { d: 'SALES' }, head('h1'), 'x1'), subscribe(PLAIN, { d: 'SALES' }, auditor, 'x2')]);
    const warehouse = await subscribe(PLAIN, { d: 'WAREHOUSE' }, head('h2'), 'x3');
    pubSub.publish('BOARD', { number: 'TR-3', department: 'SALES' });
    await settle();
    expect(resolved.count).toBe(0);
    expect(sales[0]!.socket.frames[0]).toBe(sales[1]!.socket.frames[0]);
    expect(warehouse.socket.frames).toEqual([]);
  });

  it('keeps each subscriber’s events in order when executions wait, and stops at once when the subscription ends', async () => {
    const { pubSub, subscribe } = await setup();
    const kept = await subscribe(WITH_NOTE, { d: 'SALES' }, head('h1'), 'k');
    const ended = await subscribe(WITH_NOTE, { d: 'SALES' }, head('h1'), 'e');
    for (const n of ['TR-4', 'TR-5', 'TR-6']) pubSub.publish('BOARD', { number: n, department: 'SALES' });
    await settle();
    await ended.stream.return(undefined);
    pubSub.publish('BOARD', { number: 'TR-7', department: 'SALES' });
    await settle();
    expect(kept.socket.messages().map((m) => (m.payload.data as { board: { number: string } }).board.number)).toEqual([
      'TR-4',
      'TR-5',
      'TR-6',
      'TR-7',
    ]);
    expect(ended.socket.messages().map((m) => (m.payload.data as { board: { number: string } }).board.number)).toEqual([
      'TR-4',
      'TR-5',
      'TR-6',
    ]);
    expect(await ended.stream.next()).toEqual({ value: undefined, done: true });
  });
});

describe('the audience of a live subscription', () => {
  const { pubSub } = createAppPubSub(undefined);
  const schema = liveSchema(pubSub, { count: 0 });
  const args = (query: string, d = 'SALES'): ExecutionArgs => ({ schema, document: parse(query), variableValues: { d } });

  it('is shared by every signed-in subscriber when only the event is read, else it is the subscriber’s visibility', () => {
    expect(readsOnlyTheEvent(args(PLAIN))).toBe(true);
    expect(readsOnlyTheEvent(args(WITH_NOTE))).toBe(false);
    expect(readsOnlyTheEvent(args(`subscription { board(department: "S") { ...F } } fragment F on Card { number }`))).toBe(true);
    expect(readsOnlyTheEvent(args(`subscription { board(department: "S") { ...F } } fragment F on Card { note }`))).toBe(false);
    expect(audienceKey(args(PLAIN), head('h1'))).toBe(audienceKey(args(PLAIN), auditor));
    expect(audienceKey(args(PLAIN), head('h1'))).not.toBe(audienceKey(args(PLAIN, 'WAREHOUSE'), head('h1')));
    expect(audienceKey(args(WITH_NOTE), head('h1'))).toBe(audienceKey(args(WITH_NOTE), head('h1')));
    expect(audienceKey(args(WITH_NOTE), head('h1'))).not.toBe(audienceKey(args(WITH_NOTE), head('h2')));
    expect(audienceKey(args(WITH_NOTE), head('h1'))).not.toBe(audienceKey(args(WITH_NOTE), auditor));
  });

  it('tells apart users, roles, departments, permission sets and API keys', () => {
    const key = (id: string, permissions: string[]): Actor => ({
      kind: 'apiKey',
      apiKeyId: id,
      name: id,
      ownerUserId: null,
      departmentCode: null,
      expiresAt: null,
      permissions: new Set(permissions) as Actor['permissions'],
    });
    const all = [
      subscriberVisibility(head('h1')),
      subscriberVisibility(head('h2')),
      subscriberVisibility({ ...head('h1'), departmentCode: 'WAREHOUSE' }),
      subscriberVisibility(auditor),
      subscriberVisibility(key('k1', ['events:subscribe'])),
      subscriberVisibility(key('k1', ['events:subscribe', 'terminations:read'])),
      subscriberVisibility(key('k2', ['events:subscribe'])),
      subscriberVisibility(null),
    ];
    expect(new Set(all).size).toBe(all.length);
    expect(subscriberVisibility(head('h1'))).toBe(subscriberVisibility(head('h1')));
  });
});
