import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSubscriber } from '../../server/src/kernel/domain-events.js';
import { enqueueJob } from '../../server/src/kernel/jobs.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/*
 * The extension point the flow is built around: "tell an external system when a termination
 * takes effect" is one subscriber (here defined in the test, in the product one file) plus its
 * line in the list of subscribers. Its job is enqueued in the transaction of the change, so the
 * call happens exactly when the change commits, and runs in the worker, outside the request.
 */

let server: TestServer;
let wf: Workflow;
let erp: Server;
const received: Record<string, unknown>[] = [];

function erpNotifier(url: string): EventSubscriber {
  return {
    name: 'erp-notifier',
    types: ['termination.effective'],
    async inTransaction(scope, event) {
      await enqueueJob(scope.em, 'erp_notify_effective', { number: event.termination!.number, from: event.termination!.previousStatus });
    },
    jobs: {
      erp_notify_effective: async (payload) => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
        if (!res.ok) throw new Error(`ERP answered ${res.status}`);
      },
    },
  };
}

beforeAll(async () => {
  erp = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/terminations`;
  ({ server, wf } = await startWorkflowServer({ env: { FAULT_INJECTION: '1' }, subscribers: [erpNotifier(url)] }));
});
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => erp?.close(resolve));
});

async function submitUpToLastApproval(explanation: string) {
  const [order] = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
       and not exists (select 1 from termination t where t.order_id = o.id)
       and not (select customer_confirmation_required from contract c where c.id = o.contract_id)
     order by o.number limit 1`,
  );
  const submitted = await wf.submit('clerk@example.com', {
    orderNumber: order!.number,
    reasonCode: 'DUPLICATE_ORDER',
    explanation,
    customerConfirmationRequired: false,
  });
  return wf.approveAllButLast(submitted.termination!.id);
}

describe('a subscriber added to the list reacts to the flow', () => {
  it('calls the external system once, from a job, after the termination took effect', async () => {
    received.length = 0;
    const { termination, last } = await submitUpToLastApproval('Notify the ERP when this takes effect.');
    await server.app.runDueJobs();
    expect(received).toEqual([]);

    const decided = await wf.decide(HEAD_OF[last.department]!, last.id, 'APPROVE');
    expect(decided).toMatchObject({ termination: { status: 'EFFECTIVE' } });
    // Enqueued with the change, not sent inside the request.
    expect(received).toEqual([]);
    await server.app.runDueJobs();
    expect(received).toEqual([{ number: termination.number, from: 'PENDING_APPROVAL' }]);
    await server.app.runDueJobs();
    expect(received).toHaveLength(1);
  });

  it('never calls it for a change that rolled back', async () => {
    received.length = 0;
    const { termination, last } = await submitUpToLastApproval('The effect fails in its last step.');
    server.app.services.faults.arm('effect.messages');
    const failed = await wf.tryApprove(last);
    server.app.services.faults.disarm();
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    await server.app.runDueJobs();
    expect(received).toEqual([]);
    expect((await wf.get(termination.id)).status).toBe('PENDING_APPROVAL');
  });
});
