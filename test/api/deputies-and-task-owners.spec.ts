import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidingFor } from '../../server/src/modules/approval/approval-deputies.js';
import { userActor } from '../../server/src/kernel/actor.js';
import { terminableOrder, terminableOrders } from '../harness/orders.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
beforeAll(async () => ({ server, wf } = await startWorkflowServer()));
afterAll(async () => server?.close());

const SALES_HEAD = HEAD_OF.SALES!;
const CLERK = 'clerk@example.com';
const HOUR = 3_600_000;

async function userId(email: string): Promise<string> {
  const [row] = await server.sql<{ id: string }>(`select id from app_user where lower(email) = lower($1)`, [email]);
  return row!.id;
}

const SET = `mutation($i: SetApprovalDeputyInput!) { setApprovalDeputy(input: $i) { ${RESULT_FIELDS}
  ... on InputError { field }
  ... on SetApprovalDeputySuccess { deputy { id department startsAt endsAt active deputy { name } head { name } } replaced { id clearedAt } } } }`;

async function setDeputy(asEmail: string, deputyEmail: string, from: Date, to: Date, extra: Record<string, unknown> = {}) {
  const data = await wf.as<{ setApprovalDeputy: Record<string, unknown> & { deputy?: { id: string; active: boolean } } }>(asEmail, SET, {
    i: { deputyUserId: await userId(deputyEmail), from: from.toISOString(), to: to.toISOString(), ...extra },
  });
  return data.setApprovalDeputy;
}

async function clearDeputy(asEmail: string, id: string) {
  const data = await wf.as<{ clearApprovalDeputy: { __typename: string; code?: string } }>(
    asEmail,
    `mutation($id: ID!) { clearApprovalDeputy(id: $id) { ${RESULT_FIELDS} ... on ClearApprovalDeputySuccess { deputy { clearedAt } } } }`,
    { id },
  );
  return data.clearApprovalDeputy;
}

/** A fresh termination waiting for SALES's first-stage decision. */
async function pendingSalesStep(orderNumber: string) {
  const r = await wf.submit(CLERK, {
    orderNumber,
    reasonCode: 'DUPLICATE_ORDER',
    explanation: 'deputy test',
    customerConfirmationRequired: false,
  });
  expect(r.__typename, JSON.stringify(r)).toBe('SubmitTerminationSuccess');
  const step = r.termination!.approvalSteps.find((s) => s.department === 'SALES' && s.status === 'PENDING');
  expect(step, JSON.stringify(r.termination!.approvalSteps)).toBeDefined();
  return { terminationId: r.termination!.id, stepId: step!.id };
}

describe('approval deputies', () => {
  it('refuses bad periods and deputies, changing nothing', async () => {
    const now = Date.now();
    const cases: [string, Date, Date, string][] = [
      [CLERK, new Date(now + HOUR), new Date(now + HOUR), 'to'], // empty period
      [CLERK, new Date(now + 2 * HOUR), new Date(now + HOUR), 'to'], // ends before it starts
      [CLERK, new Date(now - 3 * HOUR), new Date(now - HOUR), 'to'], // over already
      [CLERK, new Date(now - 48 * HOUR), new Date(now + HOUR), 'from'], // starts too long ago
      [CLERK, new Date(now), new Date(now + 400 * 24 * HOUR), 'to'], // longer than a year
    ];
    for (const [deputy, from, to, field] of cases) {
      const r = await setDeputy(SALES_HEAD, deputy, from, to);
      expect(r, JSON.stringify(r)).toMatchObject({ __typename: 'InputError', code: 'VALIDATION_FAILED', field });
    }
    // Oneself, an auditor, an inactive user, nobody.
    for (const deputy of [SALES_HEAD, 'auditor@example.com']) {
      const r = await setDeputy(SALES_HEAD, deputy, new Date(now), new Date(now + HOUR));
      expect(r.__typename, JSON.stringify(r)).toBe('ValidationError');
    }
    const unknown = await wf.as<{ setApprovalDeputy: { code: string } }>(SALES_HEAD, SET, {
      i: {
        deputyUserId: '00000000-0000-4000-8000-000000000000',
        from: new Date(now).toISOString(),
        to: new Date(now + HOUR).toISOString(),
      },
    });
    expect(unknown.setApprovalDeputy.code).toBe('NOT_FOUND');
    // Only a head names a deputy: an administrator is refused in kind, a clerk has no permission.
    expect((await setDeputy('admin@example.com', CLERK, new Date(now), new Date(now + HOUR))).code).toBe('FORBIDDEN_ACTION');
    const clerk = await server.gql(
      SET,
      { i: { deputyUserId: await userId(SALES_HEAD), from: new Date(now).toISOString(), to: new Date(now + HOUR).toISOString() } },
      await wf.token(CLERK),
    );
    expect(clerk.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await server.sql(`select id from approval_deputy`)).toEqual([]);
  });

  it('decides for the head only inside [startsAt, endsAt): just before start, at start, just before end, at end, after end', async () => {
    const startsAt = new Date(Date.now() + 2 * HOUR);
    const endsAt = new Date(startsAt.getTime() + 5 * HOUR);
    const r = await setDeputy(SALES_HEAD, CLERK, startsAt, endsAt);
    expect(r.__typename, JSON.stringify(r)).toBe('SetApprovalDeputySuccess');
    expect(r.deputy!.active).toBe(false);
    const [clerk] = await server.sql<{ id: string; name: string; email: string }>(`select id, name, email from app_user where email = $1`, [
      CLERK,
    ]);
    const actor = userActor({
      userId: clerk!.id,
      sessionId: 'test',
      name: clerk!.name,
      email: clerk!.email,
      role: 'CLERK',
      departmentCode: 'SALES',
      expiresAt: new Date(Date.now() + HOUR),
    });
    const em = () => server.app.orm.em.fork();
    const at = async (ms: number) => {
      try {
        const head = await decidingFor(em() as never, actor, 'SALES', new Date(ms));
        return head?.name ?? 'own right';
      } catch (error) {
        return (error as { result?: { code: string } }).result?.code ?? String(error);
      }
    };
    const [head] = await server.sql<{ name: string }>(`select name from app_user where email = $1`, [SALES_HEAD]);
    expect(await at(startsAt.getTime() - 1)).toBe('NOT_YOUR_DEPARTMENT');
    expect(await at(startsAt.getTime())).toBe(head!.name);
    expect(await at(endsAt.getTime() - 1)).toBe(head!.name);
    expect(await at(endsAt.getTime())).toBe('NOT_YOUR_DEPARTMENT');
    expect(await at(endsAt.getTime() + HOUR)).toBe('NOT_YOUR_DEPARTMENT');
    // Only for the department named: not WAREHOUSE's steps.
    await expect(decidingFor(em() as never, actor, 'WAREHOUSE', startsAt)).rejects.toMatchObject({
      result: { code: 'NOT_YOUR_DEPARTMENT' },
    });

    // Through the API, now (before the start): refused, the step untouched, the board closed.
    const { stepId } = await pendingSalesStep(await terminableOrder(server, 'desc'));
    const early = await wf.decide(CLERK, stepId, 'APPROVE', 'too early');
    expect(early.code).toBe('NOT_YOUR_DEPARTMENT');
    const [step] = await server.sql<{ status: string }>(`select status from approval_step where id = $1`, [stepId]);
    expect(step!.status).toBe('PENDING');
    const board = await server.gql(`{ approvalBoard(department: "WAREHOUSE") { department } }`, {}, await wf.token(CLERK));
    expect(board.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await clearDeputy(SALES_HEAD, r.deputy!.id);
  });

  it('within the period the deputy decides, recorded as deputy for the head; cleared, the deputy is refused', async () => {
    const [orderA, orderB] = await terminableOrders(server, 2, 'desc');
    // The purchasing head stands in for the sales head (another department's head: still refused on SALES without it).
    const first = await pendingSalesStep(orderA!);
    expect((await wf.decide(HEAD_OF.PURCHASING!, first.stepId, 'APPROVE', 'not mine')).code).toBe('NOT_YOUR_DEPARTMENT');

    const set = await setDeputy(SALES_HEAD, HEAD_OF.PURCHASING!, new Date(Date.now() - 1000), new Date(Date.now() + 4 * HOUR), {
      idempotencyKey: 'deputy-1',
    });
    expect(set.__typename, JSON.stringify(set)).toBe('SetApprovalDeputySuccess');
    expect(set.deputy!.active).toBe(true);
    // A retry with the same key is the same deputyship, not a second one.
    const again = await setDeputy(SALES_HEAD, HEAD_OF.PURCHASING!, new Date(0), new Date(0), { idempotencyKey: 'deputy-1' });
    expect(again.__typename).toBe('IdempotencyKeyReusedError');

    // The deputy sees the SALES board with the card, and decides it.
    const board = await wf.as<{ approvalBoard: { pending: { id: string }[] } }>(
      HEAD_OF.PURCHASING!,
      `{ approvalBoard(department: "SALES") { pending { id } } }`,
    );
    expect(board.approvalBoard.pending.map((s) => s.id)).toContain(first.stepId);
    const decided = await wf.decide(HEAD_OF.PURCHASING!, first.stepId, 'APPROVE', 'as deputy');
    expect(decided.__typename, JSON.stringify(decided)).toBe('DecideApprovalSuccess');

    const view = await wf.as<{
      termination: {
        approvalSteps: { id: string; decidedBy: { name: string } | null; onBehalfOf: { name: string } | null }[];
        auditTrail: { action: string; actorName: string; data: { onBehalfOf?: { name: string } } }[];
      };
    }>(
      'admin@example.com',
      `query($id: ID) { termination(id: $id) { approvalSteps { id decidedBy { name } onBehalfOf { name } } auditTrail { action actorName data } } }`,
      { id: first.terminationId },
    );
    const [purchasingHead] = await server.sql<{ name: string }>(`select name from app_user where email = $1`, [HEAD_OF.PURCHASING]);
    const [salesHead] = await server.sql<{ name: string }>(`select name from app_user where email = $1`, [SALES_HEAD]);
    const step = view.termination.approvalSteps.find((s) => s.id === first.stepId)!;
    expect(step.decidedBy?.name).toBe(purchasingHead!.name);
    expect(step.onBehalfOf?.name).toBe(salesHead!.name);
    const approved = view.termination.auditTrail.find((e) => e.action === 'approval.approved')!;
    expect(approved.actorName).toBe(purchasingHead!.name);
    expect(approved.data.onBehalfOf?.name).toBe(salesHead!.name);
    // The requester's notice says so, in the requester's language (Chinese by default).
    const notices = await server.gql<{ notifications: { edges: { node: { kind: string; terminationId: string; body: string } }[] } }>(
      `{ notifications(first: 50) { edges { node { kind terminationId body } } } }`,
      {},
      await wf.token(CLERK),
    );
    const notice = notices.data!.notifications.edges.find(
      (e) => e.node.kind === 'STEP_APPROVED' && e.node.terminationId === first.terminationId,
    );
    expect(notice?.node.body).toContain(`代 ${salesHead!.name}`);

    // The head clears it; the deputy is refused again, and a second clear is refused in kind.
    expect((await clearDeputy(SALES_HEAD, set.deputy!.id)).__typename).toBe('ClearApprovalDeputySuccess');
    expect((await clearDeputy(SALES_HEAD, set.deputy!.id)).code).toBe('INVALID_TRANSITION');
    const second = await pendingSalesStep(orderB!);
    expect((await wf.decide(HEAD_OF.PURCHASING!, second.stepId, 'APPROVE', 'no longer')).code).toBe('NOT_YOUR_DEPARTMENT');
    // The head themself still decides.
    expect((await wf.decide(SALES_HEAD, second.stepId, 'APPROVE', 'back')).__typename).toBe('DecideApprovalSuccess');
    const events = await server.sql<{ action: string }>(
      `select action from audit_event where action like 'approval.deputy_%' order by created_at`,
    );
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['approval.deputy_set', 'approval.deputy_cleared']));
  });

  it('naming a new deputy replaces the current one; only the head or an admin clears; lists show who may see them', async () => {
    const a = await setDeputy(SALES_HEAD, CLERK, new Date(Date.now() + HOUR), new Date(Date.now() + 2 * HOUR));
    const b = await setDeputy(SALES_HEAD, HEAD_OF.FINANCE!, new Date(Date.now() + HOUR), new Date(Date.now() + 3 * HOUR));
    expect(b.__typename).toBe('SetApprovalDeputySuccess');
    expect((b.replaced as { id: string; clearedAt: string | null }[]).map((r) => r.id)).toEqual([a.deputy!.id]);
    expect((await clearDeputy(HEAD_OF.WAREHOUSE!, b.deputy!.id)).code).toBe('FORBIDDEN_ACTION');
    const list = (email: string) =>
      wf.as<{ approvalDeputies: { id: string; deputy: { name: string } }[] }>(email, `{ approvalDeputies { id deputy { name } } }`);
    expect((await list(HEAD_OF.FINANCE!)).approvalDeputies.map((d) => d.id)).toEqual([b.deputy!.id]);
    expect((await list(HEAD_OF.WAREHOUSE!)).approvalDeputies).toEqual([]);
    expect((await list('auditor@example.com')).approvalDeputies.map((d) => d.id)).toContain(b.deputy!.id);
    expect((await clearDeputy('admin@example.com', b.deputy!.id)).__typename).toBe('ClearApprovalDeputySuccess');
    // Whom the head may pick: active clerks and heads, never themself or the auditor.
    const candidates = await wf.as<{ deputyCandidates: { id: string }[] }>(SALES_HEAD, `{ deputyCandidates { id } }`);
    const ids = candidates.deputyCandidates.map((c) => c.id);
    expect(ids).toContain(await userId(CLERK));
    expect(ids).toContain(await userId(HEAD_OF.FINANCE!));
    expect(ids).not.toContain(await userId(SALES_HEAD));
    expect(ids).not.toContain(await userId('auditor@example.com'));
    expect((await list(SALES_HEAD)).approvalDeputies).toEqual([]);
  });

  it('the SLA escalation goes to the deputy standing in: recorded, told in the app and by mail, and theirs to decide', async () => {
    // The deputy (a clerk) chose mail about overdue work.
    const prefs = await wf.as<{ updateNotificationPreferences: { __typename: string } }>(
      CLERK,
      `mutation { updateNotificationPreferences(input: { mailKinds: [OVERDUE] }) { __typename } }`,
    );
    expect(prefs.updateNotificationPreferences.__typename).toBe('NotificationPreferences');
    // A period that covers the step's due time: the escalation looks at who stands in when it runs.
    const set = await setDeputy(SALES_HEAD, CLERK, new Date(Date.now() - 1000), new Date(Date.now() + 30 * 24 * HOUR));
    expect(set.__typename).toBe('SetApprovalDeputySuccess');
    const [orderA, orderB] = await terminableOrders(server, 2, 'desc');
    const { stepId, terminationId } = await pendingSalesStep(orderA!);
    // The deputy heard of the step when it became due, as the head did.
    const dueNotices = await server.sql<{ link: string }>(
      `select n.link from notification n join app_user u on u.id = n.user_id where u.email = $1 and n.kind = 'APPROVAL_DUE' and n.termination_id = $2`,
      [CLERK, terminationId],
    );
    expect(dueNotices.length).toBe(1);
    // Linked to the termination's page, where a deputy decides (a clerk has no board).
    expect(dueNotices[0]!.link).toMatch(/^\/terminations\/T/);
    const [row] = await server.sql<{ due_at: Date }>(`select due_at from approval_step where id = $1`, [stepId]);
    const escalate = (id: string, at: Date) => server.app.services.scheduled.escalateApproval(server.app.systemContext(), id, at);
    expect(await escalate(stepId, new Date(row!.due_at.getTime() + 1000))).toBe(true);
    // Run again, it acts once.
    expect(await escalate(stepId, new Date(row!.due_at.getTime() + 2000))).toBe(false);

    // The audit trail records whom the overdue step went to.
    const [clerk] = await server.sql<{ id: string; name: string }>(`select id, name from app_user where email = $1`, [CLERK]);
    const view = await wf.as<{ termination: { auditTrail: { action: string; data: { escalatedTo?: unknown } }[] } }>(
      'admin@example.com',
      `query($id: ID) { termination(id: $id) { auditTrail { action data } } }`,
      { id: terminationId },
    );
    const overdueEvents = view.termination.auditTrail.filter((e) => e.action === 'approval.overdue');
    expect(overdueEvents.map((e) => e.data.escalatedTo)).toEqual([[{ userId: clerk!.id, name: clerk!.name }]]);

    const overdue = await server.sql<{ link: string }>(
      `select n.link from notification n join app_user u on u.id = n.user_id where u.email = $1 and n.kind = 'APPROVAL_OVERDUE' and n.termination_id = $2`,
      [CLERK, terminationId],
    );
    expect(overdue.length).toBe(1);
    expect(overdue[0]!.link).toMatch(/^\/terminations\/T/);
    const mails = await server.sql<{ text: string }>(`select text from mail_message where recipient = $1 and termination_id = $2`, [
      CLERK,
      terminationId,
    ]);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`已转交代理人：${clerk!.name}`);
    // The head still hears of it too.
    const headNotices = await server.sql(
      `select 1 from notification n join app_user u on u.id = n.user_id where u.email = $1 and n.kind = 'APPROVAL_OVERDUE' and n.termination_id = $2`,
      [SALES_HEAD, terminationId],
    );
    expect(headNotices).toHaveLength(1);

    // The deputy decides the overdue step, recorded as deputy for the head.
    const decided = await wf.decide(CLERK, stepId, 'APPROVE', 'escalated to me');
    expect(decided.__typename, JSON.stringify(decided)).toBe('DecideApprovalSuccess');
    const [step] = await server.sql<{ decided_by_id: string; on_behalf_of_id: string }>(
      `select decided_by_id, on_behalf_of_id from approval_step where id = $1`,
      [stepId],
    );
    expect(step).toEqual({ decided_by_id: clerk!.id, on_behalf_of_id: await userId(SALES_HEAD) });

    // With the deputyship over, an escalation goes to nobody but the heads.
    await clearDeputy(SALES_HEAD, set.deputy!.id);
    const second = await pendingSalesStep(orderB!);
    const [row2] = await server.sql<{ due_at: Date }>(`select due_at from approval_step where id = $1`, [second.stepId]);
    expect(await escalate(second.stepId, new Date(row2!.due_at.getTime() + 1000))).toBe(true);
    const [event] = await server.sql<{ data: { escalatedTo: unknown[] } }>(
      `select data from audit_event where entity_id = $1 and action = 'approval.overdue'`,
      [second.stepId],
    );
    expect(event!.data.escalatedTo).toEqual([]);
    const clerkNotices = await server.sql(
      `select 1 from notification n join app_user u on u.id = n.user_id where u.email = $1 and n.kind = 'APPROVAL_OVERDUE' and n.termination_id = $2`,
      [CLERK, second.terminationId],
    );
    expect(clerkNotices).toEqual([]);
  });
});

const ASSIGN = `mutation($i: AssignFollowUpTaskInput!) { assignFollowUpTask(input: $i) { ${RESULT_FIELDS}
  ... on AssignFollowUpTaskSuccess { task { id assignee { name } assignedAt } } } }`;

describe('follow-up task owners', () => {
  let taskId: string;
  let secondClerk: string;
  /** The second sales clerk, signed in with the password the admin gave them. */
  const asSecond = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const res = await server.gql<T>(query, variables, await server.login('sales.two@example.com', 'Owners-Passw0rd-1'));
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  };
  beforeAll(async () => {
    const done = await wf.effectiveDuplicateOrder('owners test');
    taskId = done.followUpTasks.find((t) => t.department === 'SALES' && t.status === 'OPEN')!.id as string;
    const created = await wf.as<{ createUser: { id: string } }>(
      'admin@example.com',
      `mutation($i: UserInput!) { createUser(input: $i) { ... on User { id } } }`,
      { i: { email: 'sales.two@example.com', name: '销售二', role: 'CLERK', department: 'SALES', password: 'Owners-Passw0rd-1' } },
    );
    secondClerk = created.createUser.id;
  });

  const assign = async (email: string, userId: string | null, id = taskId) =>
    (
      await wf.as<{ assignFollowUpTask: { __typename: string; code?: string; task?: { assignee: { name: string } | null } } }>(
        email,
        ASSIGN,
        {
          i: { taskId: id, userId },
        },
      )
    ).assignFollowUpTask;

  it('refuses other departments, outsiders as owners, and clerks assigning others', async () => {
    expect((await assign(HEAD_OF.WAREHOUSE!, await userId(CLERK))).code).toBe('NOT_YOUR_DEPARTMENT');
    // The sales head cannot make the warehouse head (another department) or the auditor the owner.
    expect((await assign(SALES_HEAD, await userId(HEAD_OF.WAREHOUSE!))).code).toBe('VALIDATION_FAILED');
    expect((await assign(SALES_HEAD, await userId('auditor@example.com'))).code).toBe('VALIDATION_FAILED');
    // A clerk of the department may take a free task for themself, not give it to another.
    expect((await assign(CLERK, secondClerk)).code).toBe('FORBIDDEN_ACTION');
    const auditor = await server.gql(ASSIGN, { i: { taskId, userId: secondClerk } }, await wf.token('auditor@example.com'));
    expect(auditor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [row] = await server.sql<{ assignee_id: string | null }>(`select assignee_id from follow_up_task where id = $1`, [taskId]);
    expect(row!.assignee_id).toBeNull();
  });

  it('the head assigns, the owner is notified and finds it under "my tasks"; the event is audited', async () => {
    const r = await assign(SALES_HEAD, secondClerk);
    expect(r.__typename, JSON.stringify(r)).toBe('AssignFollowUpTaskSuccess');
    expect(r.task!.assignee!.name).toBe('销售二');
    const notices = await server.sql<{ title: string }>(
      `select title from notification where user_id = $1 and kind = 'FOLLOW_UP_ASSIGNED'`,
      [secondClerk],
    );
    expect(notices.length).toBe(1);
    const [audit] = await server.sql<{ data: { assignee: { name: string } } }>(
      `select data from audit_event where action = 'followup.assigned' and entity_id = $1`,
      [taskId],
    );
    expect(audit!.data.assignee.name).toBe('销售二');
    const mine = await asSecond<{ myFollowUpTasks: { id: string; status: string }[] }>(`{ myFollowUpTasks { id status } }`);
    expect(mine.myFollowUpTasks.map((t) => t.id)).toEqual([taskId]);
    const filtered = await asSecond<{ followUpTasks: { edges: { node: { id: string } }[] } }>(
      `{ followUpTasks(filter: { mine: true }) { edges { node { id } } } }`,
    );
    expect(filtered.followUpTasks.edges.map((e) => e.node.id)).toEqual([taskId]);
    // Another clerk cannot take it now that it has an owner.
    expect((await assign(CLERK, await userId(CLERK))).code).toBe('FORBIDDEN_ACTION');
  });

  it('the owner gives it back, a clerk takes it, and a done task cannot change owner', async () => {
    const back = await asSecond<{ assignFollowUpTask: { __typename: string } }>(ASSIGN, { i: { taskId, userId: null } });
    expect(back.assignFollowUpTask.__typename).toBe('AssignFollowUpTaskSuccess');
    const took = await assign(CLERK, await userId(CLERK));
    expect(took.__typename).toBe('AssignFollowUpTaskSuccess');
    // Taking it oneself sends no notice to oneself.
    const self = await server.sql(`select 1 from notification where user_id = $1 and kind = 'FOLLOW_UP_ASSIGNED'`, [await userId(CLERK)]);
    expect(self).toEqual([]);
    const completed = await wf.complete(CLERK, taskId, 'done by owner', { outcome: 'NONE' });
    expect(completed.__typename, JSON.stringify(completed)).toBe('CompleteFollowUpTaskSuccess');
    expect((await assign(SALES_HEAD, secondClerk)).code).toBe('INVALID_TRANSITION');
    const mine = await wf.as<{ myFollowUpTasks: { id: string; status: string }[] }>(CLERK, `{ myFollowUpTasks { id status } }`);
    expect(mine.myFollowUpTasks).toEqual([{ id: taskId, status: 'DONE' }]);
  });
});
