import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';
import type { TestServer } from '../harness/server.js';

/*
 * previewApprovalRule: which recent terminations a draft rule would route, computed by the
 * evaluator routing uses, changing nothing; for admins only.
 */

interface RouteStep {
  stage: number;
  department: string;
  ruleCode: string;
  slaHours: number;
}
interface Preview {
  __typename: string;
  code?: string;
  field?: string;
  checked?: number;
  matches?: { terminationNumber: string; orderNumber: string; namesStep: boolean; route: RouteStep[] }[];
}

const PREVIEW = `query($i: ApprovalRulePreviewInput!) { previewApprovalRule(input: $i) {
  ${RESULT_FIELDS} ... on InputError { field }
  ... on ApprovalRulePreview { checked matches { terminationNumber orderNumber namesStep route { stage department ruleCode slaHours } } } } }`;

let server: TestServer;
let wf: Workflow;
/** Paid in advance (SO-2026-00001), and nothing paid (SO-2026-00005). */
let paid: string;
let unpaid: string;

const preview = async (input: Record<string, unknown>, who = 'admin@example.com') =>
  (await wf.as<{ previewApprovalRule: Preview }>(who, PREVIEW, { i: input })).previewApprovalRule;

const routeOf = async (number: string) =>
  (
    await wf.as<{ termination: { impact: { approvalRoute: RouteStep[] } } }>(
      'admin@example.com',
      `query($n: String) { termination(number: $n) { impact { approvalRoute { stage department ruleCode slaHours } } } }`,
      { n: number },
    )
  ).termination.impact.approvalRoute;

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer());
  paid = (
    await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消' })
  ).termination!.number;
  unpaid = (await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00005', reasonCode: 'SUPPLY_UNAVAILABLE', explanation: '缺货' }))
    .termination!.number;
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('previewApprovalRule', () => {
  it('lists the recent terminations the draft applies to, with the route it would give them', async () => {
    const result = await preview({ department: 'MANAGEMENT', stage: 2, condition: { fact: 'amountPaid', op: 'gt', value: 0 } });
    expect(result.__typename).toBe('ApprovalRulePreview');
    expect(result.checked).toBeGreaterThanOrEqual(2);
    const numbers = result.matches!.map((m) => m.terminationNumber);
    expect(numbers).toContain(paid);
    expect(numbers).not.toContain(unpaid);
    const match = result.matches!.find((m) => m.terminationNumber === paid)!;
    expect(match.orderNumber).toBe('SO-2026-00001');
    // The draft is a rule of the policy in the preview: it names MANAGEMENT's step, the other rules keep theirs.
    expect(match.route).toContainEqual(expect.objectContaining({ department: 'MANAGEMENT', ruleCode: 'PREVIEW', stage: 2 }));
    expect(match.namesStep).toBe(true);
    const recorded = await routeOf(paid);
    for (const step of recorded.filter((s) => s.department !== 'MANAGEMENT')) expect(match.route).toContainEqual(step);
  });

  it('routes exactly as submitting did when the draft is an existing rule unchanged', async () => {
    const { approvalRules } = await wf.as<{
      approvalRules: { id: string; code: string; department: string; stage: number; condition: unknown; active: boolean }[];
    }>('admin@example.com', `{ approvalRules { id code department stage condition active } }`);
    const recorded = await routeOf(paid);
    const used = approvalRules.find((r) => r.active && r.code === recorded[0]!.ruleCode)!;
    const result = await preview({ ruleId: used.id, department: used.department, stage: used.stage, condition: used.condition });
    const match = result.matches!.find((m) => m.terminationNumber === paid)!;
    expect(match.route).toEqual(recorded);
    expect(match.namesStep).toBe(true);
  });

  it('matches nothing when the condition holds for nothing', async () => {
    const result = await preview({ department: 'FINANCE', stage: 1, condition: { fact: 'reasonCode', op: 'eq', value: 'NO_SUCH_REASON' } });
    expect(result.checked).toBeGreaterThanOrEqual(2);
    expect(result.matches).toEqual([]);
  });

  it('refuses a wrong draft with the field at fault, and an unknown rule as not found', async () => {
    const bad = await preview({ department: 'FINANCE', stage: 1, condition: { fact: 'colour', op: 'eq', value: 'red' } });
    expect(bad).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field: 'condition' });
    const badStage = await preview({ department: 'FINANCE', stage: 10, condition: { always: true } });
    expect(badStage).toMatchObject({ __typename: 'InputError', field: 'stage' });
    const huge = await preview({
      department: 'FINANCE',
      stage: 1,
      condition: { fact: 'reasonCode', op: 'in', value: Array(500).fill('TEN_LETTER') },
    });
    expect(huge).toMatchObject({ __typename: 'InputError', field: 'condition' });
    const unknown = await preview({
      ruleId: '00000000-0000-4000-8000-000000000000',
      department: 'FINANCE',
      stage: 1,
      condition: { always: true },
    });
    expect(unknown).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('is for admins only and changes nothing', async () => {
    const before = await server.sql(`select id, code, department, stage, condition, active from approval_rule order by id`);
    const res = await server.gql(
      PREVIEW,
      { i: { department: 'FINANCE', stage: 1, condition: { always: true } } },
      await wf.token('finance.head@example.com'),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await preview({ department: 'FINANCE', stage: 1, condition: { always: true } });
    expect(await server.sql(`select id, code, department, stage, condition, active from approval_rule order by id`)).toEqual(before);
  });
});
