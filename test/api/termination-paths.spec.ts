import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

async function orderLines(number: string) {
  return server.sql<{ id: string; line_no: number; quantity: number; shipped_quantity: number; terminated_quantity: number }>(
    `select l.id, l.line_no, l.quantity, l.shipped_quantity, l.terminated_quantity from sales_order_line l join sales_order o on o.id = l.order_id where o.number = $1 order by l.line_no`,
    [number],
  );
}
/** Some other termination that exists: the same idempotency key with its id is other input. */
async function otherTermination(id: string) {
  const [row] = await server.sql<{ id: string }>(`select id from termination where id <> $1 order by created_at limit 1`, [id]);
  return row!.id;
}
async function orderStatus(number: string) {
  const [row] = await server.sql<{ status: string }>(`select status from sales_order where number = $1`, [number]);
  return row!.status;
}

describe('a partial line termination', () => {
  it('terminates only the chosen quantity; a sales-only route takes effect on approval', async () => {
    const [line] = await orderLines('SO-2026-00005');
    const quantity = Math.max(1, Math.floor(line!.quantity / 2));
    const result = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00005',
      reasonCode: 'DUPLICATE_ORDER',
      explanation: '第一行重复下单，客户确认减少数量。',
      lines: [{ lineId: line!.id, quantity }],
    });
    expect(result.__typename).toBe('SubmitTerminationSuccess');
    const t = result.termination!;
    // No POs, stock or shipments on this order: only sales (and finance if a fee applies) decide.
    expect(t.approvalSteps.map((s) => s.department)).not.toContain('PURCHASING');
    expect(t.approvalSteps.map((s) => s.department)).not.toContain('WAREHOUSE');
    expect(t.approvalSteps[0]!.department).toBe('SALES');
    expect(t.customerConfirmationRequired).toBe(false);
    const done = await wf.approveAll(t.id);
    expect(done.status).toBe('EFFECTIVE');
    const [after] = await orderLines('SO-2026-00005');
    expect(after!.terminated_quantity).toBe(quantity);
    expect(await orderStatus('SO-2026-00005')).toBe('PARTIALLY_TERMINATED');
    expect(done.followUpTasks.map((x) => x.kind)).not.toContain('SUPPLIER_CANCELLATION');
    expect(done.followUpTasks.map((x) => x.kind)).toEqual(expect.arrayContaining(['CUSTOMER_OUTCOME', 'CUSTOMER_RECORD']));
  });
});

describe('input the impact and submission refuse', () => {
  it('lists blockers for bad lines and quantities, and refuses to submit them', async () => {
    const lines = await orderLines('SO-2026-00006');
    const cases: [unknown[], string][] = [
      [[{ lineId: lines[0]!.id, quantity: lines[0]!.quantity + 1 }], 'QUANTITY_ABOVE_OPEN'],
      [[{ lineId: lines[0]!.id, quantity: 0 }], 'QUANTITY_INVALID'],
      [[{ lineId: '00000000-0000-4000-8000-000000000000', quantity: 1 }], 'LINE_NOT_IN_ORDER'],
      [[{ lineId: 'not-a-uuid', quantity: 1 }], 'LINE_NOT_IN_ORDER'],
      [
        [
          { lineId: lines[0]!.id, quantity: 1 },
          { lineId: lines[0]!.id, quantity: 1 },
        ],
        'DUPLICATE_LINE',
      ],
      [[], 'NO_LINES'],
    ];
    for (const [input, code] of cases) {
      const result = await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00006',
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: 'x',
        lines: input,
      });
      expect(result.__typename, code).toBe('TerminationBlockedError');
      expect(result.blockers!.map((b) => b.code)).toContain(code);
    }
    expect(await orderStatus('SO-2026-00006')).not.toBe('TERMINATION_PENDING');
    const [{ n }] = await server.sql<{ n: string }>(
      `select count(*) as n from termination t join sales_order o on o.id = t.order_id where o.number = 'SO-2026-00006'`,
    );
    expect(Number(n)).toBe(0);
  });

  it('blocks a fully shipped order and explains why', async () => {
    const result = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00004',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'too late?',
    });
    expect(result.__typename).toBe('TerminationBlockedError');
    expect(result.blockers!.map((b) => b.code)).toEqual(['ORDER_FULLY_SHIPPED']);
  });

  it('validates explanation, reason and order with typed errors', async () => {
    const empty = await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE', explanation: '   ' });
    expect(empty).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED' });
    const other = await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00006', reasonCode: 'OTHER', explanation: 'short' });
    expect(other).toMatchObject({ __typename: 'InputError' });
    const noReason = await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00006', reasonCode: 'NOPE', explanation: 'x' });
    expect(noReason).toMatchObject({ __typename: 'NotFoundError' });
    const noOrder = await wf.submit('clerk@example.com', { orderNumber: 'SO-0000-0', reasonCode: 'OTHER', explanation: 'x' });
    expect(noOrder).toMatchObject({ __typename: 'NotFoundError' });
    const tooLong = await server.gql(
      `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { __typename } }`,
      { i: { orderNumber: 'SO-2026-00006', reasonCode: 'OTHER', explanation: 'x'.repeat(2001) } },
      await wf.token('clerk@example.com'),
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the auditor may read impacts but not submit', async () => {
    const res = await server.gql(
      `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { __typename } }`,
      { i: { orderNumber: 'SO-2026-00006', reasonCode: 'OTHER', explanation: 'auditor tries' } },
      await wf.token('auditor@example.com'),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('idempotency', () => {
  it('returns the same termination for the same key and input, and refuses the key with other input', async () => {
    const input = {
      orderNumber: 'SO-2026-00002',
      reasonCode: 'SUPPLY_UNAVAILABLE',
      explanation: '供应商停止供货。',
      idempotencyKey: 'retry-7f3a',
    };
    const first = await wf.submit('clerk@example.com', input);
    const second = await wf.submit('clerk@example.com', input);
    expect(first.__typename).toBe('SubmitTerminationSuccess');
    expect(second).toMatchObject({ __typename: 'SubmitTerminationSuccess', replayed: true });
    expect(second.termination!.id).toBe(first.termination!.id);
    const reused = await wf.submit('clerk@example.com', { ...input, explanation: 'something else' });
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The termination goes on: withdrawing it frees the order again.
    const withdrawn = await wf.as<{ withdrawTermination: { __typename: string } }>(
      'clerk@example.com',
      `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename } }`,
      { i: { terminationId: first.termination!.id, reason: 'test done' } },
    );
    expect(withdrawn.withdrawTermination.__typename).toBe('TerminationSuccess');
  });
});

describe('rejection', () => {
  it('needs a comment, ends the termination, skips the rest and restores the order', async () => {
    const statusBefore = await orderStatus('SO-2026-00007');
    const result = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00007',
      reasonCode: 'CUSTOMER_CHANGE',
      explanation: '客户变更型号。',
    });
    const t = result.termination!;
    const sales = t.approvalSteps.find((s) => s.department === 'SALES')!;
    const noComment = await wf.decide(HEAD_OF.SALES!, sales.id, 'REJECT');
    expect(noComment.code).toBe('VALIDATION_FAILED');
    const rejected = await wf.decide(HEAD_OF.SALES!, sales.id, 'REJECT', '客户已同意继续履约。');
    expect(rejected).toMatchObject({ __typename: 'DecideApprovalSuccess', termination: { status: 'REJECTED' } });
    const after = await wf.get(t.id);
    expect(after.approvalSteps.filter((s) => s.department !== 'SALES').every((s) => s.status === 'SKIPPED')).toBe(true);
    expect(await orderStatus('SO-2026-00007')).toBe(statusBefore);
    const again = await wf.decide(HEAD_OF.SALES!, sales.id, 'APPROVE');
    expect(again.code).toBe('INVALID_TRANSITION');
  });
});

describe('withdrawal', () => {
  it('only by the requester or an admin, with a reason; the order gets its status back', async () => {
    const number = await pickOpenOrder('IN_PRODUCTION');
    const statusBefore = await orderStatus(number);
    const result = await wf.submit('clerk@example.com', {
      orderNumber: number,
      reasonCode: 'CREDIT_RISK',
      explanation: '客户信用评级下调。',
    });
    const id = result.termination!.id;
    const withdraw = (email: string, reason: string) =>
      wf.as<{ withdrawTermination: { __typename: string; code?: string } }>(
        email,
        `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { __typename ... on ErrorResult { code } } }`,
        { i: { terminationId: id, reason } },
      );
    expect((await withdraw(HEAD_OF.SALES!, 'not mine')).withdrawTermination.code).toBe('FORBIDDEN_ACTION');
    expect((await withdraw('clerk@example.com', '  ')).withdrawTermination.code).toBe('VALIDATION_FAILED');
    expect((await withdraw('clerk@example.com', '客户补充了担保。')).withdrawTermination.__typename).toBe('TerminationSuccess');
    expect((await wf.get(id)).status).toBe('WITHDRAWN');
    expect(await orderStatus(number)).toBe(statusBefore);
    expect((await withdraw('clerk@example.com', 'again')).withdrawTermination.code).toBe('INVALID_TRANSITION');
  });
});

describe('customer decline and expiry', () => {
  it('a decline ends it as CUSTOMER_DECLINED and restores the order', async () => {
    const number = await pickOpenOrder('CONFIRMED', true);
    const statusBefore = await orderStatus(number);
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: number,
        reasonCode: 'INTERNAL_DECISION',
        explanation: '产线调整，建议终止。',
        customerConfirmationRequired: true,
      })
    ).termination!;
    const waiting = await wf.approveAll(t.id);
    expect(waiting.status).toBe('AWAITING_CUSTOMER');
    const token = await wf.confirmationToken(waiting.customerConfirmation!.recipient);
    const answer = await wf.respond(token, false, { note: '我们仍需要这批货。', preferredResolution: 'RESCHEDULE' });
    expect(answer).toMatchObject({ status: 'CUSTOMER_DECLINED' });
    expect(await orderStatus(number)).toBe(statusBefore);
  });

  it('an expired link is refused and changes nothing; resend gives a new link and voids the old', async () => {
    const number = await pickOpenOrder('CONFIRMED', true);
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消。' })
    ).termination!;
    const waiting = await wf.approveAll(t.id);
    expect(waiting.status).toBe('AWAITING_CUSTOMER');
    const token = await wf.confirmationToken(waiting.customerConfirmation!.recipient);
    // A contract that says nothing about silence: the expired link just waits for a resend.
    await server.sql(`update contract set silence_means = null where id = (select contract_id from sales_order where number = $1)`, [
      number,
    ]);
    await server.sql(`update customer_confirmation set expires_at = now() - interval '1 minute' where termination_id = $1`, [t.id]);
    const view = await server.gql<{ customerConfirmation: { code: string } }>(
      `query($t:String!){ customerConfirmation(token:$t){ ... on ErrorResult { code } } }`,
      { t: token },
    );
    expect(view.data!.customerConfirmation.code).toBe('TOKEN_EXPIRED');
    expect((await wf.respond(token, true)).code).toBe('TOKEN_EXPIRED');
    expect((await wf.get(t.id)).status).toBe('AWAITING_CUSTOMER');

    const [confirmation] = await server.sql<{ id: string }>(`select id from customer_confirmation where termination_id = $1`, [t.id]);
    const expired = await server.app.services.scheduled.expireConfirmation(jobContext(), confirmation!.id);
    expect(expired).toBe(true);
    expect(await server.app.services.scheduled.expireConfirmation(jobContext(), confirmation!.id)).toBe(false);
    expect((await wf.get(t.id)).customerConfirmation?.status).toBe('EXPIRED');

    const resendDoc = `mutation($id: ID!, $key: String) { resendCustomerConfirmation(terminationId: $id, idempotencyKey: $key) { ${RESULT_FIELDS} } }`;
    const resend = await wf.as<{ resendCustomerConfirmation: { __typename: string } }>('clerk@example.com', resendDoc, {
      id: t.id,
      key: 'resend-key-1',
    });
    expect(resend.resendCustomerConfirmation.__typename).toBe('TerminationSuccess');
    // The same key for another termination is a typed refusal, not a GraphQL error.
    const reused = await wf.as<{ resendCustomerConfirmation: { __typename: string; code: string } }>('clerk@example.com', resendDoc, {
      id: await otherTermination(t.id),
      key: 'resend-key-1',
    });
    expect(reused.resendCustomerConfirmation).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
    const fresh = await wf.confirmationToken(waiting.customerConfirmation!.recipient);
    expect(fresh).not.toBe(token);
    expect((await wf.respond(token, true)).code).toBe('TOKEN_EXPIRED');
    expect((await wf.respond(fresh, true)).status).toBe('EFFECTIVE');
    expect((await wf.respond('x'.repeat(43), true)).code).toBe('TOKEN_INVALID');
    expect((await wf.respond('short', true)).code).toBe('TOKEN_INVALID');
  });
});

describe('a blocker that appears before the effect', () => {
  it('keeps the termination where it is, flagged; nothing is half-applied; a retry works once cleared', async () => {
    const lines = await orderLines('SO-2026-00003');
    const open = lines.find((l) => l.quantity - l.shipped_quantity - l.terminated_quantity > 0)!;
    const openQty = open.quantity - open.shipped_quantity;
    const t = (
      await wf.submit('clerk@example.com', {
        orderNumber: 'SO-2026-00003',
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: '未发货部分取消。',
        customerConfirmationRequired: false,
        lines: [{ lineId: open.id, quantity: openQty }],
      })
    ).termination!;
    // The contract of this order needs the customer's word; the goods ship while it waits for it.
    const waiting = await wf.approveAll(t.id);
    expect(waiting.status).toBe('AWAITING_CUSTOMER');
    const token = await wf.confirmationToken(waiting.customerConfirmation!.recipient);
    await server.sql(`update sales_order_line set shipped_quantity = shipped_quantity + 1 where id = $1`, [open.id]);
    const snapshot = await businessChecksum();
    const answer = await wf.respond(token, true, { preferredResolution: 'CREDIT_NOTE', idempotencyKey: 'answer-key-1' });
    expect(answer).toMatchObject({ __typename: 'RespondToTerminationSuccess', status: 'AWAITING_CUSTOMER' });
    // The same key with another answer is a typed refusal, not a GraphQL error.
    const changedMind = await wf.respond(token, false, { idempotencyKey: 'answer-key-1' });
    expect(changedMind).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
    const flagged = await wf.get(t.id);
    expect(flagged.status).toBe('AWAITING_CUSTOMER');
    expect(flagged.customerConfirmation?.status).toBe('ACCEPTED');
    expect(flagged.effectBlockers.map((b) => b.code)).toEqual(['QUANTITY_ABOVE_OPEN']);
    expect(await businessChecksum()).toBe(snapshot);
    const notified = await server.sql(
      `select 1 from notification n join app_user u on u.id = n.user_id where u.email = 'clerk@example.com' and n.kind = 'EFFECT_BLOCKED'`,
    );
    expect(notified.length).toBe(1);
    // The clerk reads why in their own language, the line concerned included (one catalogue by code).
    const blockedNotice = async () =>
      (
        await wf.as<{ notifications: { edges: { node: { kind: string; title: string; body: string } }[] } }>(
          'clerk@example.com',
          `{ notifications(first: 20) { edges { node { kind title body } } } }`,
        )
      ).notifications.edges
        .map((e) => e.node)
        .find((n) => n.kind === 'EFFECT_BLOCKED')!;
    const lineNo = String(flagged.effectBlockers[0]!.subject ?? '');
    expect(lineNo).not.toBe('');
    expect(await blockedNotice()).toMatchObject({ title: `${t.number} 无法生效`, body: `第 ${lineNo} 行：终止数量超过未结数量。` });
    await server.sql(`update app_user set language = 'en' where email = 'clerk@example.com'`);
    expect(await blockedNotice()).toMatchObject({
      title: `${t.number} could not take effect`,
      body: `Line ${lineNo}: more than the open quantity.`,
    });
    await server.sql(`update app_user set language = 'zh-CN' where email = 'clerk@example.com'`);

    const retry = `mutation($id: ID!, $key: String) { retryTerminationEffect(terminationId: $id, idempotencyKey: $key) { __typename ... on ErrorResult { code } } }`;
    expect(
      (await wf.as<{ retryTerminationEffect: { code: string } }>('clerk@example.com', retry, { id: t.id })).retryTerminationEffect.code,
    ).toBe('TERMINATION_BLOCKED');
    await server.sql(`update sales_order_line set shipped_quantity = shipped_quantity - 1 where id = $1`, [open.id]);
    expect(
      (await wf.as<{ retryTerminationEffect: { __typename: string } }>('clerk@example.com', retry, { id: t.id, key: 'retry-key-1' }))
        .retryTerminationEffect.__typename,
    ).toBe('TerminationSuccess');
    // The same key for another termination is a typed refusal, not a GraphQL error.
    expect(
      (
        await wf.as<{ retryTerminationEffect: { __typename: string; code: string } }>('clerk@example.com', retry, {
          id: await otherTermination(t.id),
          key: 'retry-key-1',
        })
      ).retryTerminationEffect,
    ).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
    const effective = await wf.get(t.id);
    expect(effective.status).toBe('EFFECTIVE');
    expect(effective.effectBlockers).toEqual([]);
    expect(effective.followUpTasks.find((x) => x.kind === 'CUSTOMER_OUTCOME')!.outcome).toBe('CREDIT_NOTE');

    // completeFollowUpTask: the same key for another task is a typed refusal, not a GraphQL error.
    const [anyTask, otherTask] = effective.followUpTasks as [(typeof effective.followUpTasks)[0], (typeof effective.followUpTasks)[0]];
    const done = await wf.complete(HEAD_OF[anyTask.department]!, anyTask.id, '已处理。', {
      idempotencyKey: 'task-key-1',
      outcome: anyTask.kind === 'CUSTOMER_OUTCOME' ? 'CREDIT_NOTE' : undefined,
    });
    expect(done.__typename).toBe('CompleteFollowUpTaskSuccess');
    expect(await wf.complete(HEAD_OF[anyTask.department]!, otherTask.id, '已处理。', { idempotencyKey: 'task-key-1' })).toMatchObject({
      __typename: 'IdempotencyKeyReusedError',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });
});

describe('two heads deciding the same step at once', () => {
  it('exactly one wins; the other is told it was decided', async () => {
    const number = await pickOpenOrder('CONFIRMED');
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: '并发审批测试。' })
    ).termination!;
    const step = t.approvalSteps.find((s) => s.status === 'PENDING')!;
    await wf.token(HEAD_OF.SALES!);
    await wf.token('admin@example.com');
    const results = await Promise.all([
      wf.decide(HEAD_OF.SALES!, step.id, 'APPROVE', 'head'),
      wf.decide('admin@example.com', step.id, 'APPROVE', 'admin'),
      wf.decide(HEAD_OF.SALES!, step.id, 'REJECT', 'late reject'),
    ]);
    expect(results.filter((r) => r.__typename === 'DecideApprovalSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.code === 'STEP_NOT_ACTIVE' || r.code === 'INVALID_TRANSITION')).toHaveLength(2);
    const decisions = await server.sql(`select 1 from audit_event where entity_id = $1 and action like 'approval.%'`, [step.id]);
    expect(decisions).toHaveLength(1);
  });
});

const jobContext = () => server.app.systemContext();

/** A checksum of the business tables a termination touches. */
async function businessChecksum(): Promise<string> {
  const [row] = await server.sql<{ sum: string }>(`select md5(string_agg(x, ',' order by x)) as sum from (
    select 'l' || id || terminated_quantity || shipped_quantity as x from sales_order_line
    union all select 'p' || id || cancelled_quantity from purchase_order_line
    union all select 'r' || id || status || quantity from reservation
    union all select 's' || id || reserved from stock_level
    union all select 'o' || id || status from sales_order
    union all select 'st' || id from settlement) t`);
  return row!.sum;
}

const used = new Set<string>();
/** An order in the given status with open quantity that no test has used yet. */
async function pickOpenOrder(status: string, withConfirmationContract = false): Promise<string> {
  const rows = await server.sql<{ number: string }>(
    `select o.number from sales_order o join contract c on c.id = o.contract_id
      where o.status = $1 and o.number not like 'SO-2026-0000%' and ($2::boolean is false or c.customer_confirmation_required)
        and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
      order by o.number`,
    [status, withConfirmationContract],
  );
  const pick = rows.map((r) => r.number).find((n) => !used.has(n))!;
  used.add(pick);
  return pick;
}
