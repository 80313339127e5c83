import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFFECT_STEPS } from '../../server/src/modules/termination/effect/effect-steps.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer({ env: { FAULT_INJECTION: '1' } })));
afterAll(async () => server?.close());

/** Everything taking effect may touch, summed into one checksum. */
async function checksum(): Promise<string> {
  const [row] = await server.sql<{ sum: string }>(`select md5(string_agg(x, ',' order by x)) as sum from (
    select 'l' || id || terminated_quantity as x from sales_order_line
    union all select 'o' || id || status from sales_order
    union all select 'pl' || id || cancelled_quantity from purchase_order_line
    union all select 'po' || id || status from purchase_order
    union all select 'r' || id || status || quantity from reservation
    union all select 's' || id || reserved from stock_level
    union all select 'st' || id from settlement
    union all select 'c' || id || termination_count from customer
    union all select 'f' || id from follow_up_task
    union all select 'm' || id from mail_message
    union all select 'j' || count(*) from graphile_worker.jobs
    union all select 't' || id || status || version from termination) t`);
  return row!.sum;
}

describe('a failure in any step of taking effect leaves nothing changed, and a retry succeeds', () => {
  it.each(EFFECT_STEPS.map((s) => [s]))('%s', async (point) => {
    // An order with POs and reservations, so every step has something to do.
    const [order] = await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
         and not exists (select 1 from termination t where t.order_id = o.id)
         and not (select customer_confirmation_required from contract c where c.id = o.contract_id)
         and exists (select 1 from sales_order_line l join purchase_order_line p on p.sales_order_line_id = l.id where l.order_id = o.id)
         and exists (select 1 from sales_order_line l join reservation r on r.sales_order_line_id = l.id where l.order_id = o.id and r.status = 'ACTIVE')
       order by o.number limit 1`,
    );
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: order!.number,
        reasonCode: 'DUPLICATE_ORDER',
        explanation: `fault at ${point}`,
        customerConfirmationRequired: false,
      })
    ).termination!;
    // Approve everything except the very last step: that one triggers taking effect.
    let current = await wf.get(t.id);
    for (;;) {
      const pending = current.approvalSteps.filter((s) => s.status === 'PENDING');
      const waiting = current.approvalSteps.filter((s) => s.status === 'WAITING');
      if (!waiting.length && pending.length === 1) break;
      const now = waiting.length ? pending : pending.slice(0, -1);
      for (const step of now) await wf.decide(HEAD_OF[step.department]!, step.id, 'APPROVE');
      current = await wf.get(t.id);
    }
    const last = current.approvalSteps.find((s) => s.status === 'PENDING')!;
    const before = await checksum();

    server.app.services.faults.arm(point);
    const failed = await wf.tryApprove(last);
    server.app.services.faults.disarm();
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(failed.errors?.[0]?.extensions?.requestId).toBeTruthy();
    expect(failed.errors?.[0]?.message).toBe('Internal server error.');
    expect(await checksum()).toBe(before);
    expect((await wf.get(t.id)).approvalSteps.find((s) => s.id === last.id)!.status).toBe('PENDING');

    const retried = await wf.decide(HEAD_OF[last.department]!, last.id, 'APPROVE');
    expect(retried).toMatchObject({ __typename: 'DecideApprovalSuccess', termination: { status: 'EFFECTIVE' } });
    expect(await checksum()).not.toBe(before);
  });
});
