import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

let server: TestServer;
let wf: Workflow;
let live: LiveClient;
beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
});
afterAll(async () => {
  await live?.dispose();
  await server?.close();
});

const used = new Set<string>();
async function freshOrder(where = `o.status = 'CONFIRMED'`): Promise<string> {
  const rows = await server.sql<{ number: string }>(
    `select o.number from sales_order o where ${where} and o.number not like 'SO-2026-0000%'
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity) order by o.number`,
  );
  const pick = rows.map((r) => r.number).find((n) => !used.has(n))!;
  used.add(pick);
  return pick;
}
const DECIDE = `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { __typename ... on ErrorResult { code } } }`;
const SUBMIT = `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { __typename ... on ErrorResult { code } ... on SubmitTerminationSuccess { replayed termination { id } } } }`;

describe('concurrent requests on real PostgreSQL', () => {
  it('50 concurrent decisions on one step: one wins; one audit event, one job, one live event', async () => {
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: await freshOrder(),
        reasonCode: 'CUSTOMER_CANCELLATION',
        explanation: '50 heads at once',
      })
    ).termination!;
    const step = t.approvalSteps.find((s) => s.status === 'PENDING')!;
    live = liveClient(server.url, `Bearer ${await wf.token(HEAD_OF.SALES!)}`);
    const board = await live.subscribe<{ kind: string; stepId: string | null; terminationId: string }>(
      `subscription { approvalBoardChanged(department: "SALES") { kind stepId terminationId } }`,
    );
    const tokens = [await wf.token(HEAD_OF.SALES!), await wf.token('admin@example.com')];
    const jobsBefore = await server.sql<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs`);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.gql<{ decideApproval: { __typename: string; code?: string } }>(
          DECIDE,
          { i: { stepId: step.id, decision: 'APPROVE', comment: `#${i}` } },
          tokens[i % 2],
        ),
      ),
    );
    const outcomes = results.map((r) => r.data?.decideApproval.__typename ?? r.errors?.[0]?.extensions?.code);
    expect(outcomes.filter((o) => o === 'DecideApprovalSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.data?.decideApproval.code === 'STEP_NOT_ACTIVE')).toHaveLength(49);
    const audit = await server.sql(`select 1 from audit_event where entity_id = $1 and action = 'approval.approved'`, [step.id]);
    expect(audit).toHaveLength(1);
    // The one approval opened stage 2: its SLA jobs, once.
    const jobsAfter = await server.sql<{ n: number }>(`select count(*)::int as n from graphile_worker.jobs`);
    const stage2 = (await wf.get(t.id)).approvalSteps.filter((s) => s.status === 'PENDING').length;
    expect(jobsAfter[0]!.n - jobsBefore[0]!.n).toBe(stage2);
    await board.next((e) => e.stepId === step.id && e.kind === 'approval.approved');
    // A later event on the same board proves anything published before it has arrived.
    const other = (
      await wf.submit('clerk@example.com', {
        orderNumber: await freshOrder(),
        reasonCode: 'OTHER',
        explanation: 'a marker event after the race',
      })
    ).termination!;
    await board.next((e) => e.kind === 'termination.submitted' && e.terminationId === other.id);
    expect(board.events.filter((e) => e.stepId === step.id && e.kind === 'approval.approved')).toHaveLength(1);
  });

  it('the last two approvals of a parallel stage at the same moment: it moves on exactly once', async () => {
    const number =
      await freshOrder(`exists (select 1 from sales_order_line l join purchase_order_line p on p.sales_order_line_id = l.id where l.order_id = o.id)
      and exists (select 1 from sales_order_line l join reservation r on r.sales_order_line_id = l.id where l.order_id = o.id and r.status = 'ACTIVE')
      and o.status = 'CONFIRMED' and not (select customer_confirmation_required from contract c where c.id = o.contract_id)`);
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: number,
        reasonCode: 'DUPLICATE_ORDER',
        explanation: 'parallel stage race',
        customerConfirmationRequired: false,
      })
    ).termination!;
    await wf.decide(HEAD_OF.SALES!, t.approvalSteps.find((s) => s.department === 'SALES')!.id, 'APPROVE');
    let current = await wf.get(t.id);
    const parallel = current.approvalSteps.filter((s) => s.status === 'PENDING');
    expect(parallel.map((s) => s.department).sort()).toEqual(['PURCHASING', 'WAREHOUSE']);
    await Promise.all(parallel.map((s) => wf.token(HEAD_OF[s.department]!)));
    const results = await Promise.all(parallel.map((s) => wf.decide(HEAD_OF[s.department]!, s.id, 'APPROVE')));
    expect(results.every((r) => r.__typename === 'DecideApprovalSuccess')).toBe(true);
    current = await wf.approveAll(t.id);
    expect(current.status).toBe('EFFECTIVE');
    const [counts] = await server.sql<{ settlements: number; effective: number; tasks: number }>(
      `select (select count(*)::int from settlement where termination_id = $1) as settlements,
              (select count(*)::int from audit_event where termination_id = $1 and action = 'termination.effective') as effective,
              (select count(*)::int from follow_up_task where termination_id = $1) as tasks`,
      [t.id],
    );
    expect(counts).toMatchObject({ settlements: 1, effective: 1 });
    expect(counts!.tasks).toBe(current.followUpTasks.length);
  });

  it('20 concurrent submissions for one order with different keys: exactly one termination', async () => {
    const number = await freshOrder();
    const token = await wf.token('clerk@example.com');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.gql<{ submitTermination: { __typename: string; code?: string } }>(
          SUBMIT,
          { i: { orderNumber: number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: `racer ${i}`, idempotencyKey: `race-${i}` } },
          token,
        ),
      ),
    );
    const typenames = results.map((r) => r.data!.submitTermination.__typename);
    expect(typenames.filter((n) => n === 'SubmitTerminationSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.data!.submitTermination.code === 'ACTIVE_TERMINATION_EXISTS')).toHaveLength(19);
    const rows = await server.sql(`select 1 from termination t join sales_order o on o.id = t.order_id where o.number = $1`, [number]);
    expect(rows).toHaveLength(1);
  });

  it('1000 retried submissions with one key: 0 duplicates', async () => {
    const number = await freshOrder();
    const token = await wf.token('clerk@example.com');
    const input = {
      orderNumber: number,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'retried by a flaky client',
      idempotencyKey: `retry-${number}`,
    };
    const ids = new Set<string>();
    let replayed = 0;
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          server.gql<{ submitTermination: { __typename: string; replayed?: boolean; termination?: { id: string } } }>(
            SUBMIT,
            { i: input },
            token,
          ),
        ),
      );
      for (const r of results) {
        expect(r.data?.submitTermination.__typename, JSON.stringify(r)).toBe('SubmitTerminationSuccess');
        ids.add(r.data!.submitTermination.termination!.id);
        if (r.data!.submitTermination.replayed) replayed++;
      }
    }
    expect(ids.size).toBe(1);
    expect(replayed).toBe(999);
    const rows = await server.sql(`select 1 from termination t join sales_order o on o.id = t.order_id where o.number = $1`, [number]);
    expect(rows).toHaveLength(1);
    console.log(`1000 retried submissions → ${rows.length} termination, ${replayed} replays`);
  }, 180_000);

  it('a customer accepting while the clerk withdraws: exactly one wins and the state is consistent', async () => {
    for (let round = 0; round < 3; round++) {
      const number = await freshOrder(
        `o.status = 'CONFIRMED' and (select customer_confirmation_required from contract c where c.id = o.contract_id)`,
      );
      const [{ status: statusBefore }] = await server.sql<{ status: string }>(`select status from sales_order where number = $1`, [number]);
      const t = (
        await wf.submit('clerk@example.com', {
          orderNumber: number,
          reasonCode: 'CUSTOMER_CANCELLATION',
          explanation: 'accept vs withdraw',
        })
      ).termination!;
      const waiting = await wf.approveAll(t.id);
      const link = await wf.confirmationToken(waiting.customerConfirmation!.recipient);
      const [accept, withdraw] = await Promise.all([
        wf.respond(link, true),
        wf.as<{ withdrawTermination: { __typename: string; code?: string } }>(
          'clerk@example.com',
          `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename ... on ErrorResult { code } } }`,
          { i: { terminationId: t.id, reason: 'changed our mind' } },
        ),
      ]);
      const acceptWon = accept.__typename === 'RespondToTerminationSuccess';
      const withdrawWon = withdraw.withdrawTermination.__typename === 'TerminationSuccess';
      expect(acceptWon !== withdrawWon).toBe(true);
      const final = await wf.get(t.id);
      expect(final.status).toBe(acceptWon ? 'EFFECTIVE' : 'WITHDRAWN');
      if (acceptWon) expect(['TERMINATED', 'PARTIALLY_TERMINATED']).toContain(final.order.status);
      else expect(final.order.status).toBe(statusBefore);
      const settlements = await server.sql(`select 1 from settlement where termination_id = $1`, [t.id]);
      expect(settlements).toHaveLength(acceptWon ? 1 : 0);
    }
  });
});
