import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

let server: TestServer;
let wf: Workflow;
const clients: LiveClient[] = [];
beforeAll(async () => {
  server = await startTestServer({ env: { FAULT_INJECTION: '1' } });
  wf = new Workflow(server);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
});

const BOARD = `subscription($d: String!) { approvalBoardChanged(department: $d) { kind terminationId number oldStatus newStatus departments stepId actorName at } }`;
const CHANGED = `subscription($id: ID) { terminationChanged(terminationId: $id) { kind number newStatus oldStatus actorName } }`;
const NOTIFICATIONS = `subscription { notificationAdded { kind title } }`;

interface BoardEvent {
  kind: string;
  terminationId: string;
  number: string;
  newStatus: string;
  departments: string[];
  stepId: string | null;
  actorName: string;
}

async function connect(email: string): Promise<LiveClient> {
  const client = liveClient(server.url, `Bearer ${await wf.token(email)}`);
  clients.push(client);
  return client;
}

const used = new Set<string>();
async function freshOrder(): Promise<string> {
  const rows = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity) order by o.number`,
  );
  const pick = rows.map((r) => r.number).find((n) => !used.has(n))!;
  used.add(pick);
  return pick;
}

describe('live approval boards', () => {
  it('a card leaves every board of its route live when the termination is withdrawn', async () => {
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00001',
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: 'withdraw live test',
      })
    ).termination!;
    const purchasing = await (await connect(HEAD_OF.PURCHASING!)).subscribe<BoardEvent>(BOARD, { d: 'PURCHASING' });
    await wf.as('clerk@example.com', `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`, {
      i: { terminationId: t.id, reason: 'the customer changed their mind' },
    });
    const gone = await purchasing.next((e) => e.terminationId === t.id);
    expect(gone).toMatchObject({ kind: 'termination.withdrawn', newStatus: 'WITHDRAWN' });
  });

  it('a SALES head sees a new card and the approval arrive without polling', async () => {
    const sales = await (await connect(HEAD_OF.SALES!)).subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: await freshOrder(),
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'live board test',
    });
    const t = submitted.termination!;
    const arrived = await sales.next((e) => e.terminationId === t.id && e.kind === 'termination.submitted');
    expect(arrived).toMatchObject({ number: t.number, newStatus: 'PENDING_APPROVAL', actorName: '李晓梅' });
    const step = t.approvalSteps.find((s) => s.department === 'SALES')!;
    await wf.decide(HEAD_OF.SALES!, step.id, 'APPROVE', 'fine');
    const approved = await sales.next((e) => e.stepId === step.id && e.kind === 'approval.approved');
    expect(approved.actorName).toBe('王建国');
  });

  it('a WAREHOUSE head cannot follow the SALES board and gets none of its events', async () => {
    const warehouse = await connect(HEAD_OF.WAREHOUSE!);
    const refused = await warehouse.subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    expect(JSON.stringify(refused.errors)).toMatch(/FORBIDDEN|may not follow/);
    const own = await warehouse.subscribe<BoardEvent>(BOARD, { d: 'WAREHOUSE' });
    const sales = await (await connect(HEAD_OF.SALES!)).subscribe<BoardEvent>(BOARD, { d: 'SALES' });
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: await freshOrder(),
        reasonCode: 'OTHER',
        explanation: 'only the sales board should hear this',
      })
    ).termination!;
    await sales.next((e) => e.terminationId === t.id);
    // The same publication reached the SALES subscriber; the WAREHOUSE board got nothing of it.
    expect(own.events.filter((e) => e.terminationId === t.id && !e.departments.includes('WAREHOUSE'))).toEqual([]);
    expect(refused.events).toEqual([]);
  });

  it('a rolled-back change publishes nothing', async () => {
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00005',
        reasonCode: 'DUPLICATE_ORDER',
        explanation: 'rollback test',
        customerConfirmationRequired: false,
      })
    ).termination!;
    const watcher = await (await connect('admin@example.com')).subscribe<BoardEvent>(CHANGED, { id: t.id });
    // Approve every step but the last; then make taking effect fail half-way.
    let current = await wf.get(t.id);
    while (current.approvalSteps.filter((s) => s.status !== 'APPROVED').length > 1) {
      const step = current.approvalSteps.find((s) => s.status === 'PENDING')!;
      await wf.decide(HEAD_OF[step.department]!, step.id, 'APPROVE');
      current = await wf.get(t.id);
    }
    const last = current.approvalSteps.find((s) => s.status === 'PENDING')!;
    const seenBefore = watcher.events.length;
    server.app.services.faults.arm('effect.stock');
    const failed = await wf.tryApprove(last);
    server.app.services.faults.disarm();
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(failed)).not.toMatch(/Injected|effect\.stock/);
    // A later, successful change is delivered; nothing from the failed one came before it.
    await wf.decide(HEAD_OF[last.department]!, last.id, 'APPROVE');
    const effective = await watcher.next((e) => e.newStatus === 'EFFECTIVE');
    const between = watcher.events.slice(seenBefore, watcher.events.indexOf(effective));
    expect(between.map((e) => e.kind)).toEqual(['approval.approved']);
    expect((await wf.get(t.id)).status).toBe('EFFECTIVE');
  });

  it('notifies the requester personally', async () => {
    const mine = await (await connect('clerk@example.com')).subscribe<{ kind: string; title: string }>(NOTIFICATIONS);
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: await freshOrder(),
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: 'notification test',
      })
    ).termination!;
    const step = t.approvalSteps.find((s) => s.status === 'PENDING')!;
    await wf.decide(HEAD_OF.SALES!, step.id, 'APPROVE');
    const note = await mine.next((n) => n.kind === 'STEP_APPROVED');
    expect(note.title).toContain(t.number);
    const list = await wf.as<{ notifications: { totalCount: number; edges: { node: { id: string; kind: string } }[] } }>(
      'clerk@example.com',
      `{ notifications(unreadOnly: true, first: 50) { totalCount edges { node { id kind } } } }`,
    );
    expect(list.notifications.edges.some((e) => e.node.kind === 'STEP_APPROVED')).toBe(true);
    const ids = list.notifications.edges.map((e) => e.node.id);
    const marked = await wf.as<{ markNotificationsRead: number }>(
      'clerk@example.com',
      `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`,
      { ids },
    );
    expect(marked.markNotificationsRead).toBe(ids.length);
  });
});

describe('live connection authentication', () => {
  it('refuses a connection without a token, and closes one whose token expires', async () => {
    const anonymous = liveClient(server.url);
    clients.push(anonymous);
    expect(await anonymous.closed).toBe(4401);

    const short = await startTestServer({ env: { TOKEN_TTL_SECONDS: '1' }, databaseUrl: server.databaseUrl });
    try {
      const token = await short.login('sales.head@example.com');
      const client = liveClient(short.url, `Bearer ${token}`);
      clients.push(client);
      expect(await client.closed).toBe(4401);
    } finally {
      await short.close();
    }
  });
});
