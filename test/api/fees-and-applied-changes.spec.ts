import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { impactQuery, RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const IMPACT = impactQuery(`fault terminatedValue feeRate contractFee cancellationFee refundDue feeOutstanding amountPaid
  purchaseOrders { number action shared lines { cancelQuantity } } sharedPurchaseOrderOrders { orderNumber }
  warnings { code message }`);

interface Impact {
  __typename: string;
  fault: string;
  terminatedValue: string;
  feeRate: string;
  contractFee: string;
  cancellationFee: string;
  refundDue: string;
  feeOutstanding: string;
  amountPaid: string;
  purchaseOrders: { number: string; action: string; shared: boolean }[];
  warnings: { code: string; message: string }[];
}

async function impactOf(orderNumber: string, reasonCode: string): Promise<Impact> {
  const data = await wf.as<{ terminationImpact: Impact }>('clerk@example.com', IMPACT, { input: { orderNumber, reasonCode } });
  expect(data.terminationImpact.__typename).toBe('TerminationImpact');
  return data.terminationImpact;
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

describe('the cancellation fee follows who caused the termination', () => {
  it('a buyer-caused reason charges the contract fee', async () => {
    const i = await impactOf('SO-2026-00006', 'CUSTOMER_CANCELLATION');
    expect(i.fault).toBe('BUYER');
    expect(cents(i.cancellationFee)).toBe(Math.round(cents(i.terminatedValue) * Number(i.feeRate)));
    expect(cents(i.cancellationFee)).toBeGreaterThan(0);
    expect(i.contractFee).toBe(i.cancellationFee);
    expect(i.warnings.map((w) => w.code)).not.toContain('FEE_NOT_CHARGED');
  });

  it.each([
    ['SUPPLY_UNAVAILABLE', 'SELLER'],
    ['PRODUCT_DISCONTINUED', 'SELLER'],
    ['INTERNAL_DECISION', 'SELLER'],
    ['OTHER', 'NONE'],
  ])('%s is not buyer-caused: no fee, the whole overpayment is refunded, and the impact says why', async (reasonCode, fault) => {
    const buyer = await impactOf('SO-2026-00006', 'CUSTOMER_CANCELLATION');
    const i = await impactOf('SO-2026-00006', reasonCode);
    expect(i.fault).toBe(fault);
    expect(i.cancellationFee).toBe('0.00');
    expect(i.feeOutstanding).toBe('0.00');
    expect(i.contractFee).toBe(buyer.cancellationFee);
    // Everything the buyer-caused termination would have kept as fee goes back to the customer.
    expect(cents(i.refundDue)).toBe(cents(buyer.refundDue) + cents(buyer.cancellationFee) - cents(buyer.feeOutstanding));
    const note = i.warnings.find((w) => w.code === 'FEE_NOT_CHARGED');
    expect(note?.message).toMatch(fault === 'SELLER' ? /seller/i : /neither/i);
  });

  it('the customer is told the fee actually charged, in the confirmation mail and on the confirmation page', async () => {
    const t = await wf.submitApproved('clerk@example.com', {
      orderNumber: 'SO-2026-00006',
      reasonCode: 'SUPPLY_UNAVAILABLE',
      explanation: '供应商无法按期供货，经协商终止。',
    });
    expect(t.status).toBe('AWAITING_CUSTOMER');
    const [mail] = await server.sql<{ text: string }>(
      `select text from mail_message where termination_id = $1 order by created_at desc limit 1`,
      [t.id],
    );
    // The customer (no language set: Chinese) is told the whole refund and no fee at all.
    expect(mail!.text).toMatch(/应退还您 ¥[\d,]+\.\d\d。/);
    expect(mail!.text).not.toContain('违约金');
    const token = await wf.confirmationToken(t.customerConfirmation!.recipient);
    const view = await server.gql<{ customerConfirmation: { cancellationFee: string; refundDue: string } }>(
      `query($t: String!) { customerConfirmation(token: $t) { ... on CustomerConfirmationView { cancellationFee refundDue } } }`,
      { t: token },
    );
    expect(view.data!.customerConfirmation.cancellationFee).toBe('0.00');
    const answer = await wf.respond(token, true);
    expect(answer.status).toBe('EFFECTIVE');
    const done = await wf.get(t.id);
    expect(done.settlement).toMatchObject({ cancellationFee: '0.00', feeOutstanding: '0.00' });
    const [effective] = await server.sql<{ text: string }>(
      `select text from mail_message where termination_id = $1 and subject like '%已生效%'`,
      [t.id],
    );
    expect(effective!.text).toContain('违约金 ¥0.00；应退款 ¥');
  });
});

describe('a PO shared with an order already terminated is cancelled, and the record says so', () => {
  it('the second termination on a shared PO cancels it: impact, applied change and purchasing task all say cancel', async () => {
    const shared = 'SO-2026-00002';
    // SO-2026-00001 first, waiting for approvals, while SO-2026-00002 is terminated and takes effect.
    const first = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00001',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户因项目取消，来函要求终止整张订单。',
    });
    expect(first.__typename).toBe('SubmitTerminationSuccess');
    const planned = await impactOf('SO-2026-00001', 'CUSTOMER_CANCELLATION');
    const po = planned.purchaseOrders.find((p) => p.shared)!;
    expect(po.action).toBe('REDUCE');

    const secondDone = await wf.submitApproved('clerk@example.com', {
      orderNumber: shared,
      reasonCode: 'DUPLICATE_ORDER',
      explanation: '重复下单。',
    });
    expect(secondDone.status).toBe('EFFECTIVE');

    // Now only SO-2026-00001 still buys on that PO: terminating it cancels the PO.
    const now = await impactOf('SO-2026-00001', 'CUSTOMER_CANCELLATION');
    const after = now.purchaseOrders.find((p) => p.number === po.number)!;
    expect(after).toMatchObject({ action: 'CANCEL', shared: false });
    expect(now.warnings.filter((w) => w.code === 'SHARED_PURCHASE_ORDER')).toEqual([]);

    const t = await wf.approveAll(first.termination!.id);
    const token = await wf.confirmationToken(t.customerConfirmation!.recipient);
    expect((await wf.respond(token, true)).status).toBe('EFFECTIVE');
    const [row] = await server.sql<{ status: string }>(`select status from purchase_order where number = $1`, [po.number]);
    expect(row!.status).toBe('CANCELLED');
    const done = await wf.get(t.id);
    const task = done.followUpTasks.find((x) => x.kind === 'SUPPLIER_CANCELLATION')!;
    // In the reader's language (Chinese for the admin who reads it).
    const taskLine = task.instructions.split('\n').find((l) => l.startsWith(po.number))!;
    expect(taskLine).toContain('整单取消');
    expect(taskLine).not.toContain('减量');
    expect(taskLine).toMatch(/ 30 −30 → 0/);

    // The record of what was applied, with line quantities, in GraphQL and in the dossier.
    const applied = await wf.as<{
      termination: {
        appliedPurchaseOrderChanges: {
          purchaseOrderNumber: string;
          action: string;
          statusAfter: string;
          lines: { sku: string; quantityBefore: number; quantityCancelled: number; quantityAfter: number }[];
        }[];
      };
    }>(
      'purchasing.head@example.com',
      `query($id: ID) { termination(id: $id) { appliedPurchaseOrderChanges { purchaseOrderNumber action statusBefore statusAfter
        lines { sku quantityBefore quantityCancelled quantityAfter } } } }`,
      { id: t.id },
    );
    const change = applied.termination.appliedPurchaseOrderChanges.find((c) => c.purchaseOrderNumber === po.number)!;
    expect(change).toMatchObject({ action: 'CANCEL', statusAfter: 'CANCELLED' });
    expect(change.lines).toEqual([{ sku: 'P-10005', quantityBefore: 30, quantityCancelled: 30, quantityAfter: 0 }]);
    // The earlier termination of SO-2026-00002 only reduced it.
    const earlier = await wf.as<{ termination: { appliedPurchaseOrderChanges: { purchaseOrderNumber: string; action: string }[] } }>(
      'admin@example.com',
      `query($id: ID) { termination(id: $id) { appliedPurchaseOrderChanges { purchaseOrderNumber action } } }`,
      { id: secondDone.id },
    );
    expect(earlier.termination.appliedPurchaseOrderChanges).toEqual([{ purchaseOrderNumber: po.number, action: 'REDUCE' }]);
    const dossier = await wf.as<{ terminationDossier: { appliedPurchaseOrderChanges: { number: string; action: string }[] } }>(
      'auditor@example.com',
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: t.number },
    );
    expect(dossier.terminationDossier.appliedPurchaseOrderChanges.find((c) => c.number === po.number)?.action).toBe('CANCEL');
  });
});

const ADJUST = `mutation($input: AdjustCancellationFeeInput!) { adjustCancellationFee(input: $input) {
  ${RESULT_FIELDS} ... on InputError { field }
  ... on TerminationSuccess { termination { id version feeAdjustment { amount previousAmount contractFee reason adjustedByName }
    impact { cancellationFee refundDue feeOutstanding feeAdjusted warnings { code } } } } } }`;

interface Adjusted {
  __typename: string;
  code?: string;
  field?: string;
  termination?: {
    id: string;
    version: number;
    feeAdjustment: { amount: string; previousAmount: string; contractFee: string; reason: string; adjustedByName: string } | null;
    impact: { cancellationFee: string; refundDue: string; feeOutstanding: string; feeAdjusted: boolean; warnings: { code: string }[] };
  };
}

describe('the head of finance adjusts the fee before the effect', () => {
  let id: string;
  let fee: string;
  let refund: string;
  let outstanding: string;
  const adjust = async (email: string, input: Record<string, unknown>) =>
    (await wf.as<{ adjustCancellationFee: Adjusted }>(email, ADJUST, { input: { terminationId: id, ...input } })).adjustCancellationFee;
  const state = async () =>
    (
      await server.sql<{ version: number; fee: string; adj: unknown }>(
        `select version, impact->>'cancellationFee' as fee, fee_adjustment as adj from termination where id = $1`,
        [id],
      )
    )[0]!;

  beforeAll(async () => {
    const result = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00003',
      reasonCode: 'CUSTOMER_CHANGE',
      explanation: '客户变更需求，终止未发货部分。',
    });
    expect(result.__typename).toBe('SubmitTerminationSuccess');
    id = result.termination!.id;
    const [row] = await server.sql<{ fee: string; refund: string; outstanding: string }>(
      `select impact->>'cancellationFee' as fee, impact->>'refundDue' as refund, impact->>'feeOutstanding' as outstanding from termination where id = $1`,
      [id],
    );
    ({ fee, refund, outstanding } = row!);
    expect(Number(fee)).toBeGreaterThan(0);
  });

  it('only the head of finance: clerks, auditors and API keys are refused by permission, other heads and admins by rule', async () => {
    const before = await state();
    const input = { terminationId: id, amount: '0', reason: '客户长期合作，免收违约金。' };
    for (const email of ['clerk@example.com', 'auditor@example.com']) {
      const res = await server.gql(ADJUST, { input }, await wf.token(email));
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const key = await wf.as<{ createApiKey: { secret: string } }>(
      'admin@example.com',
      `mutation { createApiKey(input: { name: "fee-test", scopes: [TERMINATIONS_READ, TERMINATIONS_WRITE] }) { ... on CreateApiKeySuccess { secret } } }`,
    );
    const byKey = await server.gql(ADJUST, { input }, key.createApiKey.secret);
    expect(byKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const email of ['sales.head@example.com', 'purchasing.head@example.com', 'gm@example.com', 'admin@example.com']) {
      const refused = await adjust(email, input);
      expect(refused).toMatchObject({ __typename: 'ForbiddenActionError', code: 'FORBIDDEN_ACTION' });
    }
    expect(await state()).toEqual(before);
  });

  it.each([
    [{ amount: '-1', reason: 'x' }, 'amount'],
    [{ amount: '12,000', reason: 'x' }, 'amount'],
    [{ amount: '1e3', reason: 'x' }, 'amount'],
    [{ amount: 'abc', reason: 'x' }, 'amount'],
    [{ amount: '0.001', reason: 'x' }, 'amount'],
    [{ amount: '0', reason: '   ' }, 'reason'],
    [{ amount: '99999999.00', reason: 'more than the contract' }, 'amount'],
  ])('refuses %j clearly and changes nothing', async (input, field) => {
    const before = await state();
    const refused = await adjust('finance.head@example.com', input);
    expect(refused).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field });
    expect(refused.message).toBeTruthy();
    expect(await state()).toEqual(before);
  });

  it('a stale version is refused', async () => {
    const before = await state();
    const refused = await adjust('finance.head@example.com', { amount: '0', reason: 'stale', expectedVersion: before.version - 1 });
    expect(refused).toMatchObject({ __typename: 'ConflictError', code: 'STALE_VERSION' });
    expect(await state()).toEqual(before);
  });

  it('lowers the fee: refund and outstanding recomputed, audited, shown in the detail', async () => {
    const half = (Math.floor(Number(fee) * 50) / 100).toFixed(2);
    const { version } = await state();
    const done = await adjust('finance.head@example.com', {
      amount: half,
      reason: '客户长期合作，减半收取。',
      expectedVersion: version,
      idempotencyKey: 'fee-half',
    });
    expect(done.__typename).toBe('TerminationSuccess');
    const t = done.termination!;
    expect(t.version).toBe(version + 1);
    expect(t.feeAdjustment).toMatchObject({ amount: half, previousAmount: fee, contractFee: fee, adjustedByName: expect.any(String) });
    expect(t.impact).toMatchObject({ cancellationFee: half, feeAdjusted: true });
    expect(t.impact.warnings.map((w) => w.code)).toContain('FEE_ADJUSTED');
    // Refund and outstanding move by exactly the difference, the same rule as the impact.
    const paidBeyondKept = cents(refund) + cents(fee) - cents(outstanding);
    expect(cents(t.impact.refundDue)).toBe(Math.max(0, paidBeyondKept - cents(half)));
    expect(cents(t.impact.feeOutstanding)).toBe(Math.max(0, cents(half) - paidBeyondKept));
    const audit = await server.sql<{ actor_name: string; data: Record<string, unknown> }>(
      `select actor_name, data from audit_event where termination_id = $1 and action = 'termination.fee_adjusted'`,
      [id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ from: fee, to: half, reason: '客户长期合作，减半收取。' });
    expect(audit[0]!.actor_name).toBe(t.feeAdjustment!.adjustedByName);
    // The same key again returns the same result without a second adjustment.
    const again = await adjust('finance.head@example.com', {
      amount: half,
      reason: '客户长期合作，减半收取。',
      expectedVersion: version,
      idempotencyKey: 'fee-half',
    });
    expect(again.termination!.version).toBe(version + 1);
    const audits = await server.sql(`select 1 from audit_event where termination_id = $1 and action = 'termination.fee_adjusted'`, [id]);
    expect(audits).toHaveLength(1);
  });

  it('concurrent adjustments queue on the row: both apply in turn, the last one wins, two audit events', async () => {
    const results = await Promise.all(
      ['100.00', '200.00'].map((amount) => adjust('finance.head@example.com', { amount, reason: `并发 ${amount}` })),
    );
    expect(results.map((r) => r.__typename)).toEqual(['TerminationSuccess', 'TerminationSuccess']);
    const audits = await server.sql<{ to: string }>(
      `select data->>'to' as to from audit_event where termination_id = $1 and action = 'termination.fee_adjusted' order by created_at, id`,
      [id],
    );
    expect(audits).toHaveLength(3);
    const [row] = await server.sql<{ fee: string; adj: { amount: string; previousAmount: string } }>(
      `select impact->>'cancellationFee' as fee, fee_adjustment as adj from termination where id = $1`,
      [id],
    );
    // Serialised: the second saw the first's result as its previous amount.
    expect(['100.00', '200.00']).toContain(row!.fee);
    expect(row!.adj.amount).toBe(row!.fee);
    expect(row!.adj.previousAmount).toBe(row!.fee === '100.00' ? '200.00' : '100.00');
  });

  it('the settlement charges the adjusted fee (waived here); after the effect it can no longer change', async () => {
    const waived = await adjust('finance.head@example.com', { amount: '0', reason: '免收违约金：长期客户。' });
    expect(waived.termination!.impact.cancellationFee).toBe('0.00');
    const t = await wf.approveAll(id);
    // CUSTOMER_CHANGE asks the customer: the page shows the waived fee.
    expect(t.status).toBe('AWAITING_CUSTOMER');
    const token = await wf.confirmationToken(t.customerConfirmation!.recipient);
    const view = await server.gql<{ customerConfirmation: { cancellationFee: string } }>(
      `query($t: String!) { customerConfirmation(token: $t) { ... on CustomerConfirmationView { cancellationFee } } }`,
      { t: token },
    );
    expect(view.data!.customerConfirmation.cancellationFee).toBe('0.00');
    expect((await wf.respond(token, true)).status).toBe('EFFECTIVE');
    const done = await wf.get(id);
    expect(done.settlement).toMatchObject({ cancellationFee: '0.00', feeOutstanding: '0.00' });
    expect(cents(done.settlement!.refundDue)).toBe(cents(refund) + cents(fee) - cents(outstanding));
    const before = await state();
    const late = await adjust('finance.head@example.com', { amount: '0', reason: 'too late' });
    expect(late).toMatchObject({ __typename: 'InvalidTransitionError', code: 'INVALID_TRANSITION' });
    expect(await state()).toEqual(before);
    const dossier = await wf.as<{ terminationDossier: { feeAdjustment: { amount: string } } }>(
      'auditor@example.com',
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: done.number },
    );
    expect(dossier.terminationDossier.feeAdjustment.amount).toBe('0.00');
  });
});

describe('a bulk discontinuation is seller-caused', () => {
  it('charges no customer a fee, whatever reason the run names', async () => {
    const started = await wf.as<{ terminateDiscontinuedProduct: { __typename: string; id: string } }>(
      'sales.head@example.com',
      `mutation($i: TerminateDiscontinuedProductInput!) { terminateDiscontinuedProduct(input: $i) { __typename ... on BulkTerminationRun { id } } }`,
      { i: { productSku: 'P-10902', reasonCode: 'PRODUCT_DISCONTINUED', explanation: '供应商停产，终止全部未交付订单行。' } },
    );
    const runId = started.terminateDiscontinuedProduct.id;
    await server.app.runDueJobs();
    const rows = await server.sql<{ fault: string; fee: string; contract_fee: string }>(
      `select fault, impact->>'cancellationFee' as fee, impact->>'contractFee' as contract_fee from termination where bulk_run_id = $1`,
      [runId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.every((r) => r.fault === 'SELLER' && r.fee === '0.00')).toBe(true);
    // The contract would have charged most of them.
    expect(rows.filter((r) => Number(r.contract_fee) > 0).length).toBeGreaterThan(0);
  });
});
