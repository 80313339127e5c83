import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeSubscriptions, liveDeliveries, liveExecutions } from '../../server/src/kernel/metrics.js';
import { liveClient, type LiveClient, type Subscription } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

// The grouped live fan-out (server/src/app/subscription-hub.ts) through real graphql-ws clients:
// one execution per group of subscribers that get the same bytes, per-subscriber access kept.

let server: TestServer;
let wf: Workflow;
const clients: LiveClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

const BOARD = `subscription Board($d: String!) { approvalBoardChanged(department: $d) { kind terminationId number newStatus departments stepId actorName } }`;

interface BoardEvent {
  kind: string;
  terminationId: string;
  departments: string[];
  stepId: string | null;
}

async function connect(email: string): Promise<LiveClient> {
  const client = liveClient(server.url, `Bearer ${await wf.token(email)}`);
  clients.push(client);
  return client;
}

/** Executions and messages of the grouped fan-out for the board so far (this process's registry). */
async function boardCounts(): Promise<{ executions: number; messages: number }> {
  const value = async (counter: typeof liveExecutions) =>
    (await counter.get()).values.find((v) => v.labels.field === 'approvalBoardChanged')?.value ?? 0;
  return { executions: await value(liveExecutions), messages: await value(liveDeliveries) };
}

async function submitForSales(orderNumber: string) {
  const submitted = await wf.submit('clerk@example.com', { orderNumber, reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'fan-out test' });
  expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
  const t = submitted.termination!;
  expect(t.approvalSteps.some((s) => s.department === 'SALES')).toBe(true);
  return t;
}

/** Waits until the server runs `count` board subscriptions (the gauge drops when graphql-ws ends one). */
async function boardSubscriptionsAre(count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  const now = async () => (await activeSubscriptions.get()).values.find((v) => v.labels.field === 'approvalBoardChanged')?.value ?? 0;
  while ((await now()) !== count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  expect(await now()).toBe(count);
}

async function disposeAll(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await boardSubscriptionsAre(0);
}

describe('grouped live fan-out', () => {
  it('runs a board event once for 20 subscribers of two users, and each of them receives it', async () => {
    const salesHead = await connect(HEAD_OF.SALES!);
    const admin = await connect('admin@example.com');
    const subscribers: Subscription<BoardEvent>[] = [];
    for (let i = 0; i < 10; i++) subscribers.push(await salesHead.subscribe<BoardEvent>(BOARD, { d: 'SALES' }));
    for (let i = 0; i < 10; i++) subscribers.push(await admin.subscribe<BoardEvent>(BOARD, { d: 'SALES' }));
    await boardSubscriptionsAre(20);

    const before = await boardCounts();
    const t = await submitForSales('SO-2026-00002');
    const received = await Promise.all(
      subscribers.map((s) => s.next((e) => e.terminationId === t.id && e.kind === 'termination.submitted')),
    );
    const after = await boardCounts();

    expect(new Set(received.map((e) => JSON.stringify(e)))).toHaveLength(1);
    expect(received[0]).toMatchObject({ terminationId: t.id, actorName: '李晓梅' });
    // Each board event was executed once and sent 20 times (graphql-ws alone: 20 executions).
    const executions = after.executions - before.executions;
    expect(executions).toBeGreaterThanOrEqual(1);
    expect(after.messages - before.messages).toBe(20 * executions);
    await disposeAll();
  });

  it('refuses another department’s board with the same document (department a variable); each head gets its own board', async () => {
    const salesHead = await connect(HEAD_OF.SALES!);
    const warehouse = await connect(HEAD_OF.WAREHOUSE!);
    const sales = await salesHead.subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    const refused = await warehouse.subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    expect(JSON.stringify(refused.errors)).toMatch(/FORBIDDEN|may not follow/);
    const own = await warehouse.subscribe<BoardEvent>(BOARD, { d: 'WAREHOUSE' });
    await boardSubscriptionsAre(2);

    const t = await submitForSales('SO-2026-00003');
    await sales.next((e) => e.terminationId === t.id && e.kind === 'termination.submitted');
    expect(refused.events).toEqual([]);
    expect(own.events.filter((e) => !e.departments.includes('WAREHOUSE'))).toEqual([]);
    await disposeAll();
  });

  it('stops sending to a completed subscription and to a closed socket; the others still get every event', async () => {
    const stays = await connect(HEAD_OF.SALES!);
    const completes = await connect(HEAD_OF.SALES!);
    const closes = await connect('admin@example.com');
    const kept = await stays.subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    const completed = await completes.subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    const closed = await closes.subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    await boardSubscriptionsAre(3);
    completed.close();
    await closes.dispose();
    await boardSubscriptionsAre(1);

    const before = await boardCounts();
    const t = await submitForSales('SO-2026-00001');
    await kept.next((e) => e.terminationId === t.id && e.kind === 'termination.submitted');
    const after = await boardCounts();

    expect(after.executions - before.executions).toBeGreaterThanOrEqual(1);
    expect(after.messages - before.messages).toBe(after.executions - before.executions);
    expect(completed.events.filter((e) => e.terminationId === t.id)).toEqual([]);
    expect(closed.events.filter((e) => e.terminationId === t.id)).toEqual([]);
  });
});
