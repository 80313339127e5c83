import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer());
});
afterAll(async () => server?.close());

/**
 * A transition locks its termination's row and nothing shared: terminations of one reason (B4 runs
 * every lifecycle with the same one) must not queue behind each other on the reason's row, which
 * the lock's statement joins in for reading.
 */
describe('row locks of a transition', () => {
  it('decides an approval while another transaction holds the row of the same reason', async () => {
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00001',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'Lock test',
    });
    expect(submitted.__typename).toBe('SubmitTerminationSuccess');
    const step = submitted.termination!.approvalSteps.find((s) => s.status === 'PENDING')!;

    // Another transaction, as a concurrent transition of another termination once did, holds the reason's row.
    const other = new pg.Client({ connectionString: server.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      const held = await other.query(`select id from termination_reason where code = 'CUSTOMER_CANCELLATION' for update`);
      expect(held.rowCount).toBe(1);
      // Locking the reason too would keep this decision waiting until the statement timeout, then fail.
      const decided = await wf.decide(HEAD_OF[step.department]!, step.id, 'APPROVE');
      expect(decided.__typename, JSON.stringify(decided)).toBe('DecideApprovalSuccess');
    } finally {
      await other.query('rollback').catch(() => undefined);
      await other.end();
    }
    const [row] = await server.sql<{ status: string }>(`select status from approval_step where id = $1`, [step.id]);
    expect(row!.status).toBe('APPROVED');
  });
});
