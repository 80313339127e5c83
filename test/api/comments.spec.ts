import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, upload } from '../harness/files.js';
import { liveClient, type LiveClient } from '../harness/live.js';
import { terminableOrder } from '../harness/orders.js';
import type { TestServer } from '../harness/server.js';
import { HEAD_OF, RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

let server: TestServer;
let wf: Workflow;
const clients: LiveClient[] = [];
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-comments-'));
beforeAll(async () => ({ server, wf } = await startWorkflowServer({ env: { STORAGE_DIR: storageDir } })));
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.close();
  fs.rmSync(storageDir, { recursive: true, force: true });
});

const CLERK = 'clerk@example.com';
const AUDITOR = 'auditor@example.com';
const WAREHOUSE_HEAD = HEAD_OF.WAREHOUSE!;
const FINANCE_HEAD = HEAD_OF.FINANCE!;

const COMMENT = `id body version createdAt editedAt editableUntil attachmentIds author { name }
  mentions { users { userId name } departments } history { version body at }`;
const ADD = `mutation($i: AddTerminationCommentInput!) { addTerminationComment(input: $i) { ${RESULT_FIELDS}
  ... on InputError { field } ... on TerminationCommentSuccess { comment { ${COMMENT} } } } }`;
const EDIT = `mutation($i: EditTerminationCommentInput!) { editTerminationComment(input: $i) { ${RESULT_FIELDS}
  ... on InputError { field } ... on TerminationCommentSuccess { comment { ${COMMENT} } } } }`;

interface Comment {
  id: string;
  body: string;
  version: number;
  createdAt: string;
  editedAt: string | null;
  attachmentIds: string[];
  author: { name: string };
  mentions: { users: { userId: string; name: string }[]; departments: string[] };
  history: { version: number; body: string; at: string }[];
}
type Result = { __typename: string; code?: string; message?: string; field?: string; comment?: Comment };

async function add(email: string, input: Record<string, unknown>): Promise<Result> {
  return (await wf.as<{ addTerminationComment: Result }>(email, ADD, { i: input })).addTerminationComment;
}

async function edit(email: string, input: Record<string, unknown>): Promise<Result> {
  return (await wf.as<{ editTerminationComment: Result }>(email, EDIT, { i: input })).editTerminationComment;
}

async function userId(email: string): Promise<string> {
  const [row] = await server.sql<{ id: string }>(`select id from app_user where lower(email) = lower($1)`, [email]);
  return row!.id;
}

async function thread(terminationId: string, email = AUDITOR): Promise<Comment[]> {
  const data = await wf.as<{ termination: { comments: Comment[] } }>(
    email,
    `query($id: ID) { termination(id: $id) { comments { ${COMMENT} } } }`,
    { id: terminationId },
  );
  return data.termination.comments;
}

async function counts() {
  const [row] = await server.sql<{ comments: string; notifications: string; events: string }>(
    `select (select count(*) from termination_comment) as comments, (select count(*) from notification) as notifications,
            (select count(*) from audit_event) as events`,
  );
  return row!;
}

let terminationId: string;
let terminationNumber: string;
beforeAll(async () => {
  const r = await wf.submit(CLERK, {
    orderNumber: await terminableOrder(server),
    reasonCode: 'CUSTOMER_CANCELLATION',
    explanation: 'comments',
  });
  expect(r.__typename, JSON.stringify(r)).toBe('SubmitTerminationSuccess');
  terminationId = r.termination!.id;
  terminationNumber = r.termination!.number;
});

describe('comments on a termination', () => {
  it('a mention of a department notifies each of its members, in the app and by mail when they chose it', async () => {
    const financeHeadId = await userId(FINANCE_HEAD);
    // The finance head opted in to mail about mentions.
    const prefs = await wf.as<{ updateNotificationPreferences: { __typename: string } }>(
      FINANCE_HEAD,
      `mutation { updateNotificationPreferences(input: { mailKinds: [MENTIONED] }) { __typename } }`,
    );
    expect(prefs.updateNotificationPreferences.__typename).toBe('NotificationPreferences');
    // A second member of finance, who did not choose mail: told in the app only.
    const created = await wf.as<{ createUser: { __typename: string } }>(
      'admin@example.com',
      `mutation($i: UserInput!) { createUser(input: $i) { __typename } }`,
      { i: { email: 'finance.two@example.com', name: '财务二', role: 'CLERK', department: 'FINANCE', password: 'Comments-Passw0rd-1' } },
    );
    expect(created.createUser.__typename).toBe('User');
    const r = await add(WAREHOUSE_HEAD, { terminationId, body: '  @财务部 请确认退款  ' });
    expect(r.__typename, JSON.stringify(r)).toBe('TerminationCommentSuccess');
    expect(r.comment).toMatchObject({ body: '@财务部 请确认退款', version: 1, editedAt: null, history: [] });
    expect(r.comment!.mentions).toEqual({ users: [], departments: ['FINANCE'] });

    const notices = await server.sql<{ user_id: string; kind: string; title: string; body: string; link: string }>(
      `select user_id, kind, title, body, link from notification where kind = 'MENTIONED' and termination_id = $1`,
      [terminationId],
    );
    const finance = await server.sql<{ id: string }>(`select id from app_user where department_code = 'FINANCE' and active`);
    expect(notices.map((n) => n.user_id).sort()).toEqual(finance.map((f) => f.id).sort());
    expect(notices[0]).toMatchObject({ body: '@财务部 请确认退款', link: `/terminations/${terminationNumber}` });
    expect(notices[0]!.title).toContain('刘德明');
    const mails = await server.sql<{ subject: string; text: string }>(
      `select subject, text from mail_message where recipient = $1 and termination_id = $2`,
      [FINANCE_HEAD, terminationId],
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('请确认退款');
    // Mail only to who opted in: the finance head, not the department's other members.
    const mailed = await server.sql<{ recipient: string }>(
      `select recipient from mail_message where termination_id = $1 and text like '%请确认退款%'`,
      [terminationId],
    );
    expect(mailed.map((m) => m.recipient)).toEqual([FINANCE_HEAD]);
    expect(finance.length).toBeGreaterThan(1);
    expect(notices.map((n) => n.user_id)).toContain(financeHeadId);
  });

  it('mentions people by name or address in Chinese and English, never the writer, and nobody else', async () => {
    const before = await server.sql<{ user_id: string }>(`select user_id from notification where kind = 'MENTIONED'`);
    const r = await add(WAREHOUSE_HEAD, {
      terminationId,
      body: '@陈静 and @Sales.Head@example.com, cc @刘德明 (me) and @Finance; not mail me@example.com',
    });
    expect(r.__typename, JSON.stringify(r)).toBe('TerminationCommentSuccess');
    expect(r.comment!.mentions.users.map((u) => u.name).sort()).toEqual(['刘德明', '王建国', '陈静'].sort());
    expect(r.comment!.mentions.departments).toEqual(['FINANCE']);
    const after = await server.sql<{ user_id: string }>(`select user_id from notification where kind = 'MENTIONED'`);
    const added = after.slice(before.length).map((n) => n.user_id);
    const expected = new Set([await userId(FINANCE_HEAD), await userId(HEAD_OF.SALES!)]);
    const financeMembers = await server.sql<{ id: string }>(`select id from app_user where department_code = 'FINANCE' and active`);
    for (const m of financeMembers) expected.add(m.id);
    // Each once, and the writer never hears of their own comment.
    expect(added.sort()).toEqual([...expected].sort());
    expect(added).not.toContain(await userId(WAREHOUSE_HEAD));
  });

  it('is edited by its author within 5 minutes; every version is kept and audited', async () => {
    const r = await add(CLERK, { terminationId, body: 'first text' });
    const id = r.comment!.id;
    expect(await edit(WAREHOUSE_HEAD, { commentId: id, body: 'not mine' })).toMatchObject({ code: 'FORBIDDEN_ACTION' });
    expect(await edit(CLERK, { commentId: id, body: 'first text' })).toMatchObject({ code: 'VALIDATION_FAILED' });
    const second = await edit(CLERK, { commentId: id, body: 'second text @仓储部' });
    expect(second.__typename, JSON.stringify(second)).toBe('TerminationCommentSuccess');
    expect(second.comment).toMatchObject({ body: 'second text @仓储部', version: 2 });
    expect(second.comment!.editedAt).not.toBeNull();
    expect(second.comment!.history.map((v) => [v.version, v.body])).toEqual([[1, 'first text']]);
    // The edit newly mentions the warehouse: its members hear of it once.
    const warehouse = await server.sql<{ n: string }>(
      `select count(*) as n from notification n join app_user u on u.id = n.user_id
        where n.kind = 'MENTIONED' and u.department_code = 'WAREHOUSE' and n.body like 'second text%'`,
    );
    expect(Number(warehouse[0]!.n)).toBeGreaterThan(0);
    const third = await edit(CLERK, { commentId: id, body: 'third text @仓储部' });
    expect(third.comment!.history.map((v) => v.body)).toEqual(['first text', 'second text @仓储部']);
    const again = await server.sql<{ n: string }>(`select count(*) as n from notification where body like 'third text%'`);
    expect(Number(again[0]!.n)).toBe(0);

    const audit = await server.sql<{ action: string; data: { version: number; body: string } }>(
      `select action, data from audit_event where entity_type = 'TerminationComment' and entity_id = $1 order by seq`,
      [id],
    );
    expect(audit.map((a) => [a.action, a.data.version, a.data.body])).toEqual([
      ['termination.comment_added', 1, 'first text'],
      ['termination.comment_edited', 2, 'second text @仓储部'],
      ['termination.comment_edited', 3, 'third text @仓储部'],
    ]);

    // Five minutes after writing, the comment stands as written.
    await server.sql(`update termination_comment set created_at = now() - interval '5 minutes 1 second' where id = $1`, [id]);
    const late = await edit(CLERK, { commentId: id, body: 'too late' });
    expect(late).toMatchObject({ __typename: 'CommentEditWindowClosedError', code: 'INVALID_TRANSITION' });
    const [stored] = await server.sql<{ body: string; version: number }>(`select body, version from termination_comment where id = $1`, [
      id,
    ]);
    expect(stored).toEqual({ body: 'third text @仓储部', version: 3 });

    // The feed shows each version to readers of terminations.
    const feed = await wf.as<{ events: { edges: { node: { type: string; data: { commentId: string } } }[] } }>(
      AUDITOR,
      `{ events(first: 50, types: [TERMINATION_COMMENT_ADDED, TERMINATION_COMMENT_EDITED]) { edges { node { type data } } } }`,
    );
    expect(feed.events.edges.filter((e) => e.node.data.commentId === id).map((e) => e.node.type)).toEqual([
      'TERMINATION_COMMENT_ADDED',
      'TERMINATION_COMMENT_EDITED',
      'TERMINATION_COMMENT_EDITED',
    ]);
  });

  it('is read by whoever reads the termination, oldest first; auditors and keys only read', async () => {
    const comments = await thread(terminationId, AUDITOR);
    expect(comments.length).toBeGreaterThanOrEqual(3);
    // Oldest first (the comment moved five minutes back above comes first now).
    const times = comments.map((c) => new Date(c.createdAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(comments.map((c) => c.body)).toContain('@财务部 请确认退款');
    const sorted = [...comments].map((c) => c.id);
    expect((await thread(terminationId, HEAD_OF.PURCHASING!)).map((c) => c.id)).toEqual(sorted);

    const before = await counts();
    expect(await add(AUDITOR, { terminationId, body: 'auditors only read' })).toMatchObject({ code: 'FORBIDDEN_ACTION' });
    const key = await wf.as<{ createApiKey: { secret: string } }>(
      'admin@example.com',
      `mutation { createApiKey(input: { name: "comment reader", scopes: [TERMINATIONS_READ] }) { ${RESULT_FIELDS} ... on CreateApiKeySuccess { secret } } }`,
    );
    const afterKey = await counts();
    const byKey = await server.gql<{ addTerminationComment: Result }>(
      ADD,
      { i: { terminationId, body: 'a key' } },
      key.createApiKey.secret,
    );
    expect(byKey.data?.addTerminationComment).toMatchObject({ code: 'FORBIDDEN_ACTION' });
    const read = await server.gql<{ termination: { comments: Comment[] } }>(
      `query($id: ID) { termination(id: $id) { comments { id } } }`,
      { id: terminationId },
      key.createApiKey.secret,
    );
    expect(read.data?.termination.comments.map((c) => c.id)).toEqual(sorted);
    const anonymous = await server.gql(ADD, { i: { terminationId, body: 'who am I' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await counts()).comments).toBe(before.comments);
    expect(afterKey.comments).toBe(before.comments);
  });

  it('refuses hostile and bad input with a clear error, changing nothing', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ terminationId, body: '   \n\t ' }, 'InputError', 'body'],
      [{ terminationId, body: 'x'.repeat(4001) }, 'InputError', 'body'],
      [{ terminationId, body: 'a\u0007b\u001b[31m' }, 'InputError', 'body'],
      [{ terminationId, body: 'a\uD800b' }, 'InputError', 'body'],
      [{ terminationId: '00000000-0000-4000-8000-000000000000', body: 'no such termination' }, 'NotFoundError'],
      [{ terminationId, body: 'files of another', attachmentIds: ['00000000-0000-4000-8000-000000000000'] }, 'ValidationError'],
      [
        {
          terminationId,
          body: 'too many files',
          attachmentIds: Array.from({ length: 11 }, (_, i) => `00000000-0000-4000-8000-0000000000${10 + i}`),
        },
        'InputError',
        'attachmentIds',
      ],
    ];
    for (const [input, typename, field] of cases) {
      const r = await add(CLERK, input);
      expect(r.__typename, JSON.stringify(r)).toBe(typename);
      if (field) expect(r.field).toBe(field);
    }
    // NUL never reaches the service (refused for every operation).
    const nul = await server.gql(ADD, { i: { terminationId, body: 'a\u0000b' } }, await wf.token(CLERK));
    expect(nul.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badId = await server.gql(ADD, { i: { terminationId: "1' or '1'='1", body: 'x' } }, await wf.token(CLERK));
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await edit(CLERK, { commentId: '00000000-0000-4000-8000-000000000000', body: 'x' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await counts()).toEqual(before);

    // Text that looks like code is stored and shown as written.
    const html = "<script>alert(1)</script> '; drop table termination_comment; --";
    const stored = await add(CLERK, { terminationId, body: html });
    expect(stored.comment!.body).toBe(html);
    expect((await thread(terminationId)).some((c) => c.body === html)).toBe(true);
  });

  it('carries files of its own termination, never of another', async () => {
    const attach = async (id: string) => {
      const res = await upload(
        server.url,
        '/attachments',
        { terminationId: id },
        { name: 'letter.pdf', content: FILES.pdf() },
        `Bearer ${await wf.token(CLERK)}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id!;
    };
    const own = await attach(terminationId);
    const other = await wf.submit(CLERK, {
      orderNumber: await terminableOrder(server),
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'another',
    });
    expect(other.__typename, JSON.stringify(other)).toBe('SubmitTerminationSuccess');
    const foreign = await attach(other.termination!.id);

    const before = await counts();
    const refused = await add(CLERK, { terminationId, body: 'a file of another termination', attachmentIds: [own, foreign] });
    expect(refused.__typename, JSON.stringify(refused)).toBe('ValidationError');
    expect(await counts()).toEqual(before);

    const r = await add(CLERK, { terminationId, body: '客户来函见附件', attachmentIds: [own, own] });
    expect(r.__typename, JSON.stringify(r)).toBe('TerminationCommentSuccess');
    expect(r.comment!.attachmentIds).toEqual([own]);
    expect((await thread(terminationId)).find((c) => c.id === r.comment!.id)?.attachmentIds).toEqual([own]);
    const [event] = await server.sql<{ data: { attachmentIds: string[] } }>(
      `select data from audit_event where entity_type = 'TerminationComment' and entity_id = $1`,
      [r.comment!.id],
    );
    expect(event!.data.attachmentIds).toEqual([own]);
  });

  it('one comment per idempotency key', async () => {
    const input = { terminationId, body: 'once only', idempotencyKey: 'comment-key-1' };
    const first = await add(CLERK, input);
    const second = await add(CLERK, input);
    expect(second.comment!.id).toBe(first.comment!.id);
    expect(await add(CLERK, { ...input, body: 'other text' })).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const [row] = await server.sql<{ n: string }>(`select count(*) as n from termination_comment where body = 'once only'`);
    expect(Number(row!.n)).toBe(1);
  });

  it('new and edited comments arrive live for readers of the termination', async () => {
    const SUB = `subscription($id: ID!) { terminationCommentAdded(terminationId: $id) { kind terminationId commentId version authorName } }`;
    const client = liveClient(server.url, `Bearer ${await wf.token(HEAD_OF.PURCHASING!)}`);
    clients.push(client);
    const sub = await client.subscribe<{ kind: string; terminationId: string; commentId: string; version: number; authorName: string }>(
      SUB,
      { id: terminationId },
    );
    const r = await add(CLERK, { terminationId, body: 'live one' });
    const event = await sub.next((e) => e.commentId === r.comment!.id);
    expect(event).toMatchObject({ kind: 'ADDED', terminationId, version: 1, authorName: '李晓梅' });
    await edit(CLERK, { commentId: r.comment!.id, body: 'live one, edited' });
    expect(await sub.next((e) => e.kind === 'EDITED')).toMatchObject({ commentId: r.comment!.id, version: 2 });
    // Another termination's thread is not this one's.
    expect(sub.events.every((e) => e.terminationId === terminationId)).toBe(true);
  });

  it('suggests whom to mention', async () => {
    const data = await wf.as<{ commentMentionCandidates: { users: { name: string }[]; departments: { code: string; nameZh: string }[] } }>(
      CLERK,
      `{ commentMentionCandidates { users { id name } departments { code nameZh nameEn } } }`,
    );
    expect(data.commentMentionCandidates.users.map((u) => u.name)).toContain('陈静');
    expect(data.commentMentionCandidates.departments).toContainEqual(expect.objectContaining({ code: 'FINANCE', nameZh: '财务部' }));
  });
});
