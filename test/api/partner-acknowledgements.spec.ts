import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { RESULT_FIELDS, type TerminationView, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
let effective: TerminationView;
beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer());
  const t = (
    await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消。' })
  ).termination!;
  effective = await wf.approveAndAccept(t.id);
}, 120_000);
afterAll(async () => server?.close());

const CREATE_KEY = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
  ${RESULT_FIELDS} ... on InputError { field } ... on CreateApiKeySuccess { secret apiKey { id name departmentCode scopes } } } }`;

const COMPLETE = `mutation($i: CompleteFollowUpTaskInput!) { completeFollowUpTask(input: $i) {
  ${RESULT_FIELDS} ... on CompleteFollowUpTaskSuccess { task { id status note data completedAt completedBy { id } completedByName } } } }`;

interface Created {
  __typename: string;
  code?: string;
  message?: string;
  field?: string;
  secret?: string;
  apiKey?: { id: string; name: string; departmentCode: string | null; scopes: string[] };
}

async function createKey(input: Record<string, unknown>): Promise<Created> {
  return (await wf.as<{ createApiKey: Created }>('admin@example.com', CREATE_KEY, { i: input })).createApiKey;
}

const keyCount = async () => (await server.sql<{ n: number }>(`select count(*)::int as n from api_key`))[0]!.n;

function task(department: string) {
  const found = effective.followUpTasks.find((x) => x.department === department && x.status === 'OPEN');
  if (!found) throw new Error(`no open ${department} task: ${JSON.stringify(effective.followUpTasks)}`);
  return found;
}

describe('API keys bound to a department (FOLLOW_UPS_WRITE)', () => {
  it('refuses the scope without a department, a department without the scope, and an unknown department; nothing is written', async () => {
    const before = await keyCount();
    const missing = await createKey({ name: 'WMS', scopes: ['FOLLOW_UPS_WRITE'] });
    expect(missing).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field: 'department' });
    expect(missing.message).toMatch(/department/);
    const blank = await createKey({ name: 'WMS', scopes: ['FOLLOW_UPS_WRITE', 'TERMINATIONS_READ'], department: '  ' });
    expect(blank).toMatchObject({ __typename: 'InputError', field: 'department' });
    const unbound = await createKey({ name: 'ERP', scopes: ['TERMINATIONS_READ'], department: 'WAREHOUSE' });
    expect(unbound).toMatchObject({ __typename: 'InputError', field: 'department' });
    const unknown = await createKey({ name: 'WMS', scopes: ['FOLLOW_UPS_WRITE'], department: 'NOWHERE' });
    expect(unknown).toMatchObject({ __typename: 'InputError', field: 'department' });
    expect(await keyCount()).toBe(before);
  });

  it('lists the department of a bound key', async () => {
    const created = await createKey({ name: 'WMS listed', scopes: ['FOLLOW_UPS_WRITE'], department: 'WAREHOUSE' });
    expect(created.apiKey).toMatchObject({ name: 'WMS listed', departmentCode: 'WAREHOUSE', scopes: ['FOLLOW_UPS_WRITE'] });
    const list = await wf.as<{ apiKeys: { name: string; departmentCode: string | null }[] }>(
      'admin@example.com',
      `{ apiKeys { name departmentCode } }`,
    );
    expect(list.apiKeys).toContainEqual({ name: 'WMS listed', departmentCode: 'WAREHOUSE' });
    const [audit] = await server.sql<{ data: { department: string } }>(
      `select data from audit_event where action = 'api_key.created' and entity_id = $1`,
      [created.apiKey!.id],
    );
    expect(audit!.data.department).toBe('WAREHOUSE');
  });
});

describe('a partner acknowledges its department’s follow-up task', () => {
  let wms: string;
  beforeAll(async () => {
    expect(effective.status).toBe('EFFECTIVE');
    wms = (await createKey({ name: 'WMS 华东仓', scopes: ['FOLLOW_UPS_WRITE', 'TERMINATIONS_READ'], department: 'WAREHOUSE' })).secret!;
  });

  it('refuses another department’s task with NOT_YOUR_DEPARTMENT and changes nothing', async () => {
    const finance = task('FINANCE');
    const res = await server.gql<{ completeFollowUpTask: { __typename: string; code: string } }>(
      COMPLETE,
      { i: { taskId: finance.id, note: 'paid' } },
      wms,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.completeFollowUpTask).toMatchObject({ __typename: 'NotYourDepartmentError', code: 'NOT_YOUR_DEPARTMENT' });
    const [row] = await server.sql<{ status: string; note: string | null }>(`select status, note from follow_up_task where id = $1`, [
      finance.id,
    ]);
    expect(row).toEqual({ status: 'OPEN', note: null });
  });

  it('refuses a key without the scope, and data over the limit', async () => {
    const reader = (await createKey({ name: 'reader', scopes: ['TERMINATIONS_READ'] })).secret!;
    const warehouse = task('WAREHOUSE');
    const res = await server.gql(COMPLETE, { i: { taskId: warehouse.id, note: 'released' } }, reader);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const big = await server.gql<{ completeFollowUpTask: { __typename: string; code: string } }>(
      COMPLETE,
      { i: { taskId: warehouse.id, note: 'released', data: { blob: 'x'.repeat(10_001) } } },
      wms,
    );
    expect(big.data!.completeFollowUpTask).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    const [row] = await server.sql<{ status: string }>(`select status from follow_up_task where id = $1`, [warehouse.id]);
    expect(row!.status).toBe('OPEN');
  });

  it('completes a WAREHOUSE task with a note and structured data, audited as the key', async () => {
    const warehouse = task('WAREHOUSE');
    const data = { wmsReference: 'WMS-REL-20261201-0042', released: [{ sku: 'SKU-1', warehouse: 'WH-SH', quantity: 10 }] };
    const res = await server.gql<{
      completeFollowUpTask: {
        __typename: string;
        task: { status: string; note: string; data: unknown; completedBy: unknown; completedByName: string };
      };
    }>(COMPLETE, { i: { taskId: warehouse.id, note: '库存已释放 / stock released', data } }, wms);
    expect(res.errors).toBeUndefined();
    expect(res.data!.completeFollowUpTask).toMatchObject({
      __typename: 'CompleteFollowUpTaskSuccess',
      task: { status: 'DONE', note: '库存已释放 / stock released', data, completedBy: null },
    });
    // The task says who acknowledged it: the key, as the audit names it.
    expect(res.data!.completeFollowUpTask.task.completedByName).toMatch(/^API key WMS 华东仓 \(/);

    const after = await wf.get(effective.id);
    const entry = after.auditTrail.find((a) => a.action === 'followup.completed' && a.data.department === 'WAREHOUSE')!;
    expect(entry.actorType).toBe('API_KEY');
    expect(entry.actorName).toContain('WMS 华东仓');
    expect(entry.data).toMatchObject({ kind: warehouse.kind, note: '库存已释放 / stock released', data });

    // Done is done: a second acknowledgement is refused.
    const again = await server.gql<{ completeFollowUpTask: { __typename: string; code: string } }>(
      COMPLETE,
      { i: { taskId: warehouse.id, note: 'again' } },
      wms,
    );
    expect(again.data!.completeFollowUpTask.code).toBe('INVALID_TRANSITION');
  });
});
