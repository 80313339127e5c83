import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const STATS = `query($from: DateTimeISO, $to: DateTimeISO) { terminationStats(from: $from, to: $to) {
  total pendingApprovals awaitingCustomer overdueSteps effectiveInPeriod terminatedValue
  byStatus { key count } byReason { key labelZh count } byMonth { month submitted effective } } }`;

describe('termination statistics', () => {
  it('are exact on a known set of terminations', async () => {
    const empty = await wf.as<{ terminationStats: { total: number } }>('auditor@example.com', STATS);
    expect(empty.terminationStats.total).toBe(0);
    const orders = ['SO-2026-00002', 'SO-2026-00006', 'SO-2026-00007'];
    const reasons = ['CUSTOMER_CANCELLATION', 'CUSTOMER_CANCELLATION', 'OTHER'];
    const ids: string[] = [];
    for (const [i, orderNumber] of orders.entries()) {
      ids.push(
        (await wf.submit('clerk@example.com', { orderNumber, reasonCode: reasons[i], explanation: 'statistics test case' })).termination!
          .id,
      );
    }
    await wf.as('clerk@example.com', `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`, {
      i: { terminationId: ids[2], reason: 'stats' },
    });
    await server.sql(`update approval_step set due_at = now() - interval '1 hour' where termination_id = $1 and status = 'PENDING'`, [
      ids[0],
    ]);
    const data = await wf.as<{
      terminationStats: {
        total: number;
        pendingApprovals: number;
        overdueSteps: number;
        byStatus: { key: string; count: number }[];
        byReason: { key: string; labelZh: string; count: number }[];
        byMonth: { month: string; submitted: number }[];
      };
    }>('auditor@example.com', STATS);
    const s = data.terminationStats;
    expect(s.total).toBe(3);
    expect(s.pendingApprovals).toBe(2);
    expect(s.overdueSteps).toBe(1);
    expect(s.byStatus).toEqual([
      { key: 'PENDING_APPROVAL', count: 2 },
      { key: 'WITHDRAWN', count: 1 },
    ]);
    expect(s.byReason).toEqual([
      { key: 'CUSTOMER_CANCELLATION', labelZh: '客户取消订单', count: 2 },
      { key: 'OTHER', labelZh: '其他', count: 1 },
    ]);
    expect(s.byMonth).toEqual([{ month: new Date().toISOString().slice(0, 7), submitted: 3, effective: 0 }]);
    const future = await wf.as<{ terminationStats: { total: number } }>('auditor@example.com', STATS, { from: '2099-01-01T00:00:00Z' });
    expect(future.terminationStats.total).toBe(0);
    const overdue = await wf.as<{ terminations: { totalCount: number } }>(
      'clerk@example.com',
      `{ terminations(filter: { overdue: true }) { totalCount } }`,
    );
    expect(overdue.terminations.totalCount).toBe(1);
  });

  it('computes only the figures a query reads: the counts alone cost fewer statements and agree', async () => {
    const tiles = `{ terminationStats { total pendingApprovals awaitingCustomer overdueSteps effectiveInPeriod } }`;
    const everything = `{ terminationStats { total pendingApprovals awaitingCustomer overdueSteps effectiveInPeriod terminatedValue
      byCurrency { currency count } byStatus { key count } byReason { key count } byMonth { month submitted } byCustomer { key count }
      byProduct { key count } byDepartment { department steps } perStage { stage department count } submittedToEffective { count } } }`;
    await wf.as('auditor@example.com', tiles); // the token is issued outside the counted requests
    let few: { terminationStats: Record<string, number> } | undefined;
    let all: { terminationStats: Record<string, unknown> } | undefined;
    const counted = await server.countQueries(async () => (few = await wf.as('auditor@example.com', tiles)));
    const full = await server.countQueries(async () => (all = await wf.as('auditor@example.com', everything)));
    // One statement for the counts (plus the request's own reads) against one per breakdown, money and durations.
    expect(full.count - counted.count, `${counted.statements.join('\n')}\n---\n${full.statements.join('\n')}`).toBeGreaterThanOrEqual(8);
    for (const key of ['total', 'pendingApprovals', 'awaitingCustomer', 'overdueSteps', 'effectiveInPeriod']) {
      expect(few!.terminationStats[key], key).toBe(all!.terminationStats[key]);
    }
  });

  it('refuses a period that ends before it starts', async () => {
    const res = await server.gql(
      STATS,
      { from: '2026-12-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      await wf.token('auditor@example.com'),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('user administration', () => {
  const CREATE = `mutation($i: UserInput!) { createUser(input: $i) { __typename ... on ErrorResult { code message } ... on User { id email role department { code } } } }`;
  const UPDATE = `mutation($id: ID!, $i: UserInput!) { updateUser(id: $id, input: $i) { __typename ... on ErrorResult { code } ... on User { active role } } }`;

  it('admins create users who can sign in, and deactivating one ends their sessions', async () => {
    const input = {
      email: 'New.Buyer@Example.com',
      name: '新采购',
      role: 'DEPT_HEAD',
      department: 'PURCHASING',
      password: 'Str0ngPassw0rd',
    };
    const created = await wf.as<{ createUser: { __typename: string; id: string; email: string } }>('admin@example.com', CREATE, {
      i: input,
    });
    expect(created.createUser).toMatchObject({ __typename: 'User', email: 'new.buyer@example.com' });
    const token = await server.login('new.buyer@example.com', 'Str0ngPassw0rd');
    const dup = await wf.as<{ createUser: { code: string } }>('admin@example.com', CREATE, { i: input });
    expect(dup.createUser.code).toBe('VALIDATION_FAILED');
    const weak = await wf.as<{ createUser: { code: string; message: string } }>('admin@example.com', CREATE, {
      i: { ...input, email: 'x@example.com', password: 'short' },
    });
    expect(weak.createUser.code).toBe('VALIDATION_FAILED');
    const headless = await wf.as<{ createUser: { code: string } }>('admin@example.com', CREATE, {
      i: { ...input, email: 'y@example.com', department: null },
    });
    expect(headless.createUser.code).toBe('VALIDATION_FAILED');

    const off = await wf.as<{ updateUser: { active: boolean } }>('admin@example.com', UPDATE, {
      id: created.createUser.id,
      i: { name: '新采购', role: 'DEPT_HEAD', department: 'PURCHASING', active: false },
    });
    expect(off.updateUser.active).toBe(false);
    const after = await server.gql(`{ me { email } }`, {}, token);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('nobody else may', async () => {
    const res = await server.gql(`{ users { email } }`, {}, await wf.token('sales.head@example.com'));
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
