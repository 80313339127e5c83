import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpServer } from '../harness/smtp.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startMailingServer } from '../harness/workflow-server.js';

let smtp: SmtpServer;
let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf, smtp } = await startMailingServer()));
afterAll(async () => server?.close());

const PREFS = `mailKinds mailLanguage email`;
const CS_AGENT = 'cs.agent@example.com';

const AGENT_PASSWORD = 'agent-pass-1234';

/** The demo users sign in with the demo password; the agent this spec creates with its own. */
async function tokenOf(email: string): Promise<string> {
  return email === CS_AGENT ? server.login(email, AGENT_PASSWORD) : wf.token(email);
}

async function choose(email: string, mailKinds: string[], mailLanguage: string | null = null) {
  const res = await server.gql<{ updateNotificationPreferences: { __typename: string; mailKinds: string[] } }>(
    `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { ${RESULT_FIELDS} ... on NotificationPreferences { ${PREFS} } } }`,
    { i: { mailKinds, mailLanguage } },
    await tokenOf(email),
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.updateNotificationPreferences.__typename).toBe('NotificationPreferences');
  return res.data!.updateNotificationPreferences;
}

/** Staff mails stored for `recipient` about one termination (the outbox keeps subject and text). */
/** The clerk submits the first open order (but `except`) that has lines left and never had a termination. */
async function submitOpenOrder(except: string[] = []) {
  const [order] = await server.sql<{ number: string }>(
    `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION') and o.number <> all($1::text[])
       and not exists (select 1 from termination x where x.order_id = o.id)
       and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
     order by o.number limit 1`,
    [except],
  );
  return (await wf.submit('clerk@example.com', { orderNumber: order!.number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: '试' }))
    .termination!;
}

function mailsTo(recipient: string, terminationId: string) {
  return server.sql<{ id: string; subject: string; text: string; html: string; status: string }>(
    `select id, subject, text, html, status from mail_message where recipient = $1 and termination_id = $2 order by created_at, id`,
    [recipient, terminationId],
  );
}

/** What the SMTP server accepted for `recipient`, with quoted-printable soft breaks undone. */
function received(recipient: string): string[] {
  return smtp.received.filter((m) => m.to.includes(recipient)).map((m) => m.decoded);
}

describe('notification preferences', () => {
  it('are empty by default (opt-in), are the signed-in user’s own, and refuse API keys', async () => {
    const mine = await wf.as<{ myNotificationPreferences: { mailKinds: string[]; mailLanguage: string | null; email: string } }>(
      'purchasing.head@example.com',
      `{ myNotificationPreferences { ${PREFS} } }`,
    );
    expect(mine.myNotificationPreferences).toEqual({ mailKinds: [], mailLanguage: 'ZH_CN', email: 'purchasing.head@example.com' });

    const saved = await choose('finance.head@example.com', ['OVERDUE', 'APPROVALS_DUE', 'OVERDUE'], 'EN');
    expect(saved).toEqual({
      __typename: 'NotificationPreferences',
      mailKinds: ['APPROVALS_DUE', 'OVERDUE'],
      mailLanguage: 'EN',
      email: 'finance.head@example.com',
    });
    const again = await wf.as<{ myNotificationPreferences: { mailKinds: string[] } }>(
      'finance.head@example.com',
      `{ myNotificationPreferences { mailKinds } }`,
    );
    expect(again.myNotificationPreferences.mailKinds).toEqual(['APPROVALS_DUE', 'OVERDUE']);
    // Someone else's choice is untouched.
    const other = await wf.as<{ myNotificationPreferences: { mailKinds: string[] } }>(
      'gm@example.com',
      `{ myNotificationPreferences { mailKinds } }`,
    );
    expect(other.myNotificationPreferences.mailKinds).toEqual([]);
    // Back to nothing, so the flow below starts with FINANCE not opted in.
    expect((await choose('finance.head@example.com', [])).mailKinds).toEqual([]);

    const key = await wf.as<{ createApiKey: { secret: string } }>(
      'admin@example.com',
      `mutation { createApiKey(input: { name: "prefs probe", scopes: [TERMINATIONS_READ] }) { ... on CreateApiKeySuccess { secret } } }`,
    );
    const byKey = await server.gql(`{ myNotificationPreferences { mailKinds } }`, {}, key.createApiKey.secret);
    expect(byKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await server.gql(`{ myNotificationPreferences { mailKinds } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknownKind = await server.gql(
      `mutation { updateNotificationPreferences(input: { mailKinds: [SOMETHING] }) { __typename } }`,
      {},
      await wf.token('clerk@example.com'),
    );
    expect(unknownKind.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('staff e-mail through the mail outbox and a real SMTP server', () => {
  it('costs no statement on a decision while nobody concerned opted in', async () => {
    const [order] = await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION') and o.number <> 'SO-2026-00001'
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number limit 1`,
    );
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: order!.number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'SQL count' })
    ).termination!;
    const sales = t.approvalSteps.find((s) => s.department === 'SALES' && s.status === 'PENDING')!;
    const token = await wf.token(HEAD_OF.SALES!);
    const { statements } = await server.countQueries(() =>
      server.gql(
        `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { __typename } }`,
        { i: { stepId: sales.id, decision: 'APPROVE' } },
        token,
      ),
    );
    expect(
      statements.filter((s) => /notification_preference|mail_message/.test(s)),
      statements.join('\n'),
    ).toEqual([]);
    expect(await mailsTo('clerk@example.com', t.id)).toEqual([]);
  });

  it('heads who opted in hear that an approval is due; the requester hears each decision and the effect; others hear nothing', async () => {
    await choose(HEAD_OF.WAREHOUSE!, ['APPROVALS_DUE'], 'EN');
    await choose('clerk@example.com', ['DECISIONS', 'EFFECT']);
    // The head of sales chose effect mails only; purchasing chose nothing.
    await choose(HEAD_OF.SALES!, ['EFFECT'], 'ZH_CN');

    const t = (
      await wf.submit('clerk@example.com', { orderNumber: 'SO-2026-00001', reasonCode: 'CUSTOMER_CANCELLATION', explanation: '客户取消。' })
    ).termination!;
    const route = t.approvalSteps.map((s) => `${s.stage}:${s.department}`);
    expect(route).toEqual(expect.arrayContaining(['1:SALES', '2:WAREHOUSE', '2:PURCHASING']));
    // Stage 1 is SALES: its head did not choose approvals due.
    expect(await mailsTo(HEAD_OF.SALES!, t.id)).toEqual([]);
    expect(await mailsTo(HEAD_OF.WAREHOUSE!, t.id)).toEqual([]);

    const sales = t.approvalSteps.find((s) => s.department === 'SALES')!;
    expect((await wf.decide(HEAD_OF.SALES!, sales.id, 'APPROVE', '同意')).__typename).toBe('DecideApprovalSuccess');

    // WAREHOUSE's stage opened: its head (English) gets one mail linking to the termination; PURCHASING's did not opt in.
    const warehouse = await mailsTo(HEAD_OF.WAREHOUSE!, t.id);
    expect(warehouse).toHaveLength(1);
    expect(warehouse[0]!.subject).toBe(`${t.number} awaits your approval`);
    expect(warehouse[0]!.text).toContain(`https://erp.example.com/terminations/${t.number}`);
    expect(warehouse[0]!.text).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await mailsTo(HEAD_OF.PURCHASING!, t.id)).toEqual([]);

    // The requester (language zh-CN, the default) hears of the decision in Chinese alone, departments by name.
    const decision = await mailsTo('clerk@example.com', t.id);
    expect(decision).toHaveLength(1);
    expect(decision[0]!.subject).toBe(`${t.number} 销售部已批准`);
    expect(decision[0]!.text).toContain('批准了');
    expect(decision[0]!.text).not.toContain('approved termination');
    expect(decision[0]!.text).toContain('意见：同意');

    // Sent by the worker through SMTP, once each.
    await server.app.runDueJobs();
    const toWarehouse = received(HEAD_OF.WAREHOUSE!);
    expect(toWarehouse).toHaveLength(1);
    expect(toWarehouse[0]).toContain(`Subject: ${t.number} awaits your approval`);
    expect(toWarehouse[0]).toContain(`https://erp.example.com/terminations/${t.number}`);
    expect(received('clerk@example.com')).toHaveLength(1);
    expect(received(HEAD_OF.PURCHASING!)).toHaveLength(0);
    expect((await mailsTo(HEAD_OF.WAREHOUSE!, t.id))[0]!.status).toBe('SENT');
  });

  it('a rejection reaches a requester who opted in', async () => {
    const t = await submitOpenOrder(['SO-2026-00001']);
    const sales = t.approvalSteps.find((s) => s.department === 'SALES')!;
    expect((await wf.decide(HEAD_OF.SALES!, sales.id, 'REJECT', '价格已锁定')).__typename).toBe('DecideApprovalSuccess');
    const mails = await mailsTo('clerk@example.com', t.id);
    expect(mails.map((m) => m.subject)).toEqual([`${t.number} 销售部已驳回`]);
    expect(mails[0]!.text).toContain('价格已锁定');
  });

  it('at the effect every member of the departments to notify gets an in-app notice, and those who opted in an e-mail', async () => {
    // A customer-service agent: customer service approves nothing but is told when the customer was asked.
    const created = await wf.as<{ createUser: { __typename: string } }>(
      'admin@example.com',
      `mutation($i: UserInput!) { createUser(input: $i) { __typename } }`,
      { i: { email: CS_AGENT, name: '客服 周敏', role: 'CLERK', department: 'CUSTOMER_SERVICE', password: AGENT_PASSWORD } },
    );
    expect(created.createUser.__typename).toBe('User');
    await choose(CS_AGENT, ['EFFECT'], 'EN');

    const [{ id }] = await server.sql<{ id: string }>(
      `select t.id from termination t join sales_order o on o.id = t.order_id where o.number = 'SO-2026-00001'`,
    );
    const done = await wf.approveAndAccept(id);
    expect(done.status).toBe('EFFECTIVE');
    const data = await wf.as<{ termination: { number: string; impact: { departmentsToNotify: string[] } } }>(
      'admin@example.com',
      `query($id: ID) { termination(id: $id) { number impact { departmentsToNotify } } }`,
      { id },
    );
    const notify = data.termination.impact.departmentsToNotify;
    expect(notify).toEqual(expect.arrayContaining(['SALES', 'PURCHASING', 'WAREHOUSE', 'CUSTOMER_SERVICE']));

    const told = await server.sql<{ email: string; department_code: string | null; n: number }>(
      `select u.email, u.department_code, count(n.id)::int as n from app_user u
         left join notification n on n.user_id = u.id and n.termination_id = $1 and n.kind = 'TERMINATION_EFFECTIVE'
        where u.active group by u.email, u.department_code order by u.email`,
      [id],
    );
    for (const user of told) {
      const member = user.department_code !== null && notify.includes(user.department_code);
      expect(`${user.email}: ${user.n}`).toBe(`${user.email}: ${member ? 1 : 0}`);
    }
    expect(told.find((u) => u.email === CS_AGENT)!.n).toBe(1);
    // The agent sees it in their own list, linking to the termination.
    const agent = await server.gql<{ notifications: { edges: { node: { kind: string; link: string; title: string } }[] } }>(
      `{ notifications(first: 10) { edges { node { kind link title } } } }`,
      {},
      await tokenOf(CS_AGENT),
    );
    expect(agent.data!.notifications.edges.map((e) => e.node)).toContainEqual({
      kind: 'TERMINATION_EFFECTIVE',
      link: `/terminations/${data.termination.number}`,
      // In the agent's language (English, chosen above).
      title: `${data.termination.number} is effective`,
    });

    // E-mail at the effect, each in the reader's one language: the requester and the head of sales in Chinese, the agent in English.
    const subjects = async (email: string) => (await mailsTo(email, id)).map((m) => m.subject);
    expect(await subjects('clerk@example.com')).toContain(`${data.termination.number} 已生效`);
    expect(await subjects(HEAD_OF.SALES!)).toEqual([`${data.termination.number} 已生效`]);
    expect(await subjects(CS_AGENT)).toEqual([`${data.termination.number} is effective`]);
    // The head of the warehouse chose approvals due only: no effect mail (their one mail is the approval due).
    expect(await subjects(HEAD_OF.WAREHOUSE!)).toEqual([`${data.termination.number} awaits your approval`]);
    await server.app.runDueJobs();
    expect(received(CS_AGENT)).toHaveLength(1);
  });

  it('heads who opted in hear of overdue approvals (management too) and overdue follow-up tasks', async () => {
    const work = server.app.services.scheduled;
    await choose(HEAD_OF.MANAGEMENT!, ['OVERDUE']);
    await choose(HEAD_OF.PURCHASING!, ['OVERDUE'], 'EN');

    // The PURCHASING task of the termination that took effect above.
    const [task] = await server.sql<{ id: string; termination_id: string; due_at: Date; number: string }>(
      `select f.id, f.termination_id, f.due_at, t.number from follow_up_task f join termination t on t.id = f.termination_id
         join sales_order o on o.id = t.order_id where o.number = 'SO-2026-00001' and f.department = 'PURCHASING'`,
    );
    expect(await work.remindFollowUp(server.app.systemContext(), task!.id, new Date(task!.due_at.getTime() + 1000))).toBe(true);
    expect((await mailsTo(HEAD_OF.PURCHASING!, task!.termination_id)).map((m) => m.subject)).toEqual([
      `${task!.number} Purchasing follow-up overdue`,
    ]);

    const [order] = await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status in ('CONFIRMED', 'IN_PRODUCTION')
         and not exists (select 1 from termination x where x.order_id = o.id)
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number limit 1`,
    );
    const t = (
      await wf.submit('clerk@example.com', { orderNumber: order!.number, reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'SLA' })
    ).termination!;
    const step = t.approvalSteps.find((s) => s.status === 'PENDING')!;
    const [row] = await server.sql<{ due_at: Date }>(`select due_at from approval_step where id = $1`, [step.id]);
    expect(await work.escalateApproval(server.app.systemContext(), step.id, new Date(row!.due_at.getTime() + 1000))).toBe(true);
    const gm = await mailsTo(HEAD_OF.MANAGEMENT!, t.id);
    // The general manager reads Chinese (the default language), the department by its name.
    const names: Record<string, string> = { SALES: '销售部', PURCHASING: '采购部', WAREHOUSE: '仓储部', FINANCE: '财务部' };
    expect(gm.map((m) => m.subject)).toEqual([`${t.number} ${names[step.department]}审批已超时`]);
    expect(gm[0]!.html).toContain(`<a href="https://erp.example.com/terminations/${t.number}">`);
    // The head of the overdue department chose effect mails only.
    expect(await mailsTo(HEAD_OF[step.department]!, t.id)).toEqual([]);
  });

  it('an opt-out takes effect at once: no mail after choosing nothing', async () => {
    await choose('clerk@example.com', []);
    const t = await submitOpenOrder();
    const sales = t.approvalSteps.find((s) => s.department === 'SALES')!;
    expect((await wf.decide(HEAD_OF.SALES!, sales.id, 'APPROVE')).__typename).toBe('DecideApprovalSuccess');
    expect(await mailsTo('clerk@example.com', t.id)).toEqual([]);
  });
});
