import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const REASONS = `query($all: Boolean!) { terminationReasons(includeInactive: $all) { id code labelZh labelEn category active customerConfirmationDefault } }`;
const CREATE = `mutation($i: TerminationReasonInput!) { createTerminationReason(input: $i) { __typename ... on ErrorResult { code message } ... on TerminationReason { id reasonCode: code } } }`;
const UPDATE = `mutation($id: ID!, $i: TerminationReasonInput!) { updateTerminationReason(id: $id, input: $i) { __typename ... on ErrorResult { code } ... on TerminationReason { labelZh active } } }`;

describe('termination reason catalog', () => {
  it('has the eight reasons every installation needs', async () => {
    const data = await wf.as<{ terminationReasons: { code: string; labelZh: string }[] }>('clerk@example.com', REASONS, { all: false });
    expect(data.terminationReasons.map((r) => r.code)).toEqual([
      'CUSTOMER_CANCELLATION',
      'CUSTOMER_CHANGE',
      'PRODUCT_DISCONTINUED',
      'SUPPLY_UNAVAILABLE',
      'CREDIT_RISK',
      'DUPLICATE_ORDER',
      'INTERNAL_DECISION',
      'OTHER',
    ]);
    expect(data.terminationReasons[0]!.labelZh).toBe('客户取消订单');
  });

  it('admins add, rename and deactivate; a deactivated reason is no longer offered nor accepted', async () => {
    const input = {
      code: 'quality_issue',
      labelZh: '质量问题',
      labelEn: 'Quality issue',
      category: 'PRODUCT',
      fault: 'SELLER',
      customerConfirmationDefault: true,
    };
    const created = await wf.as<{ createTerminationReason: { __typename: string; id: string; reasonCode: string } }>(
      'admin@example.com',
      CREATE,
      { i: input },
    );
    expect(created.createTerminationReason).toMatchObject({ __typename: 'TerminationReason', reasonCode: 'QUALITY_ISSUE' });
    const dup = await wf.as<{ createTerminationReason: { code: string } }>('admin@example.com', CREATE, { i: input });
    expect(dup.createTerminationReason.code).toBe('VALIDATION_FAILED');
    const bad = await wf.as<{ createTerminationReason: { code: string } }>('admin@example.com', CREATE, {
      i: { ...input, code: 'bad code!' },
    });
    expect(bad.createTerminationReason.code).toBe('VALIDATION_FAILED');

    const id = created.createTerminationReason.id;
    const renamed = await wf.as<{ updateTerminationReason: { labelZh: string } }>('admin@example.com', UPDATE, {
      id,
      i: { ...input, labelZh: '产品质量问题' },
    });
    expect(renamed.updateTerminationReason.labelZh).toBe('产品质量问题');
    await wf.as('admin@example.com', UPDATE, { id, i: { ...input, active: false } });
    const offered = await wf.as<{ terminationReasons: { code: string }[] }>('clerk@example.com', REASONS, { all: false });
    expect(offered.terminationReasons.map((r) => r.code)).not.toContain('QUALITY_ISSUE');
    const all = await wf.as<{ terminationReasons: { code: string }[] }>('admin@example.com', REASONS, { all: true });
    expect(all.terminationReasons.map((r) => r.code)).toContain('QUALITY_ISSUE');
    const submit = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00006',
      reasonCode: 'QUALITY_ISSUE',
      explanation: 'uses an inactive reason',
    });
    expect(submit.__typename).toBe('TerminationBlockedError');
    expect(submit.blockers!.map((b) => b.code)).toContain('REASON_INACTIVE');
  });

  it('only admins maintain the catalog', async () => {
    const res = await server.gql(
      CREATE,
      { i: { code: 'X_Y', labelZh: 'x', labelEn: 'x', category: 'OTHER', fault: 'NONE', customerConfirmationDefault: false } },
      await wf.token('sales.head@example.com'),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rows = await server.sql(`select 1 from termination_reason where code = 'X_Y'`);
    expect(rows).toHaveLength(0);
  });

  it('every reason says who causes it; admins set it, and the fee follows', async () => {
    const data = await wf.as<{ terminationReasons: { code: string; fault: string }[] }>(
      'clerk@example.com',
      `{ terminationReasons { code fault } }`,
    );
    expect(Object.fromEntries(data.terminationReasons.map((r) => [r.code, r.fault]))).toEqual({
      CUSTOMER_CANCELLATION: 'BUYER',
      CUSTOMER_CHANGE: 'BUYER',
      PRODUCT_DISCONTINUED: 'SELLER',
      SUPPLY_UNAVAILABLE: 'SELLER',
      CREDIT_RISK: 'BUYER',
      DUPLICATE_ORDER: 'BUYER',
      INTERNAL_DECISION: 'SELLER',
      OTHER: 'NONE',
    });
    const input = {
      code: 'FORCE_MAJEURE_X',
      labelZh: '不可抗力',
      labelEn: 'Force majeure',
      category: 'OTHER',
      customerConfirmationDefault: true,
    };
    const missing = await wf.as<{ createTerminationReason: { code: string; field: string } }>(
      'admin@example.com',
      `mutation($i: TerminationReasonInput!) { createTerminationReason(input: $i) { ... on InputError { code field } } }`,
      { i: input },
    );
    expect(missing.createTerminationReason).toEqual({ code: 'VALIDATION_FAILED', field: 'fault' });
    expect(await server.sql(`select 1 from termination_reason where code = 'FORCE_MAJEURE_X'`)).toHaveLength(0);

    const created = await wf.as<{ createTerminationReason: { id: string } }>('admin@example.com', CREATE, {
      i: { ...input, fault: 'BUYER' },
    });
    const fee = async () =>
      (
        await wf.as<{ terminationImpact: { cancellationFee: string; fault: string } }>(
          'clerk@example.com',
          `{ terminationImpact(input: { orderNumber: "SO-2026-00006", reasonCode: "FORCE_MAJEURE_X" }) { ... on TerminationImpact { cancellationFee fault } } }`,
        )
      ).terminationImpact;
    expect(Number((await fee()).cancellationFee)).toBeGreaterThan(0);
    await wf.as('admin@example.com', UPDATE, { id: created.createTerminationReason.id, i: { ...input, fault: 'NONE' } });
    expect(await fee()).toEqual({ cancellationFee: '0.00', fault: 'NONE' });
    const [audit] = await server.sql<{ data: { fault: string; before: { fault: string } } }>(
      `select data from audit_event where action = 'reason.updated' and entity_id = $1`,
      [created.createTerminationReason.id],
    );
    expect(audit!.data).toMatchObject({ fault: 'NONE', before: { fault: 'BUYER' } });
  });
});
