import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveClient, type LiveClient } from '../harness/live.js';
import { startTestServer, type TestServer } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

/*
 * Staff privacy: partner systems (API keys) and the auditor see staff by name and department
 * only — e-mail and role come back null — wherever a user appears (requester, approver, who
 * completed a follow-up, a bulk run's requester), and no staff e-mail leaves through the
 * dossier, the CSV export or live events. Staff who work with each other (clerks, department
 * heads), the user themself and administrators see e-mail and role.
 */

const STAFF_EMAILS = ['admin@example.com', 'clerk@example.com', 'auditor@example.com', ...Object.values(HEAD_OF)];

type Reader = 'key' | 'auditor' | 'clerk' | 'head' | 'admin';
/** Whether the reader is entitled to staff e-mail addresses and roles. */
const SEES_CONTACT: Record<Reader, boolean> = { key: false, auditor: false, clerk: true, head: true, admin: true };
const READERS = Object.keys(SEES_CONTACT) as Reader[];

const PERSON = `id name email role permissions department { code }`;

interface Person {
  id: string;
  name: string;
  email: string | null;
  role: string | null;
  permissions: string[];
  department: { code: string } | null;
}

let server: TestServer;
let wf: Workflow;
let keySecret: string;
let terminationId: string;
let terminationNumber: string;
const bearer = new Map<Reader, string>();

beforeAll(async () => {
  server = await startTestServer();
  wf = new Workflow(server);
  const admin = await wf.token('admin@example.com');
  const created = await server.gql<{ createApiKey: { secret: string } }>(
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret } } }`,
    { i: { name: 'privacy partner', scopes: ['ORDERS_READ', 'TERMINATIONS_READ', 'EVENTS_SUBSCRIBE'] } },
    admin,
  );
  keySecret = created.data!.createApiKey.secret;
  bearer.set('key', keySecret);
  bearer.set('auditor', await wf.token('auditor@example.com'));
  bearer.set('clerk', await wf.token('clerk@example.com'));
  // A head of another department than the one that decided: a colleague, not the person.
  bearer.set('head', await wf.token(HEAD_OF.FINANCE!));
  bearer.set('admin', admin);

  const submitted = await wf.submit('clerk@example.com', {
    orderNumber: 'SO-2026-00005',
    reasonCode: 'DUPLICATE_ORDER',
    explanation: 'staff privacy',
    customerConfirmationRequired: false,
  });
  expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
  terminationId = submitted.termination!.id;
  terminationNumber = submitted.termination!.number;
  // Decided by the head of SALES: the approver every reader below sees.
  expect((await wf.approveAll(terminationId)).status).toBe('EFFECTIVE');
  // A follow-up completed by someone: the third path to a user.
  const { termination } = await wf.as<{ termination: { followUpTasks: { id: string; kind: string; status: string }[] } }>(
    'admin@example.com',
    `query($id: ID) { termination(id: $id) { followUpTasks { id kind status } } }`,
    { id: terminationId },
  );
  const task = termination.followUpTasks.find((x) => x.status === 'OPEN')!;
  expect(task, 'the effective termination has a follow-up task').toBeDefined();
  await wf.as('admin@example.com', `mutation($i: CompleteFollowUpTaskInput!) { completeFollowUpTask(input: $i) { __typename } }`, {
    i: { taskId: task.id, note: 'privacy: done', ...(task.kind === 'CUSTOMER_OUTCOME' ? { outcome: 'NONE' } : {}) },
  });
});
afterAll(async () => server?.close());

async function read<T>(reader: Reader, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await server.gql<T>(query, variables, bearer.get(reader));
  expect(res.errors, `${reader}: ${JSON.stringify(res.errors)}`).toBeUndefined();
  return res.data!;
}

function expectPrivacy(reader: Reader, person: Person | null | undefined, where: string): void {
  expect(person, `${reader} ${where}`).toBeTruthy();
  expect(person!.name, `${reader} ${where}: the name is for everyone`).toEqual(expect.any(String));
  expect(person!.department === null || typeof person!.department.code === 'string', `${reader} ${where}: department`).toBe(true);
  if (SEES_CONTACT[reader]) {
    expect(person!.email, `${reader} ${where}: e-mail`).toMatch(/@example\.com$/);
    expect(person!.role, `${reader} ${where}: role`).toEqual(expect.any(String));
    expect(person!.permissions.length, `${reader} ${where}: permissions`).toBeGreaterThan(0);
  } else {
    expect(person!.email, `${reader} ${where}: e-mail must be hidden`).toBeNull();
    expect(person!.role, `${reader} ${where}: role must be hidden`).toBeNull();
    expect(person!.permissions, `${reader} ${where}: permissions reveal the role`).toEqual([]);
  }
}

describe.each(READERS)('%s reading staff', (reader) => {
  it('requestedBy and decidedBy on one termination', async () => {
    const { termination } = await read<{ termination: { requestedBy: Person; approvalSteps: { decidedBy: Person | null }[] } }>(
      reader,
      `query($id: ID) { termination(id: $id) { requestedBy { ${PERSON} } approvalSteps { decidedBy { ${PERSON} } } } }`,
      { id: terminationId },
    );
    expectPrivacy(reader, termination.requestedBy, 'requestedBy');
    expect(termination.approvalSteps.length).toBeGreaterThan(0);
    for (const step of termination.approvalSteps) expectPrivacy(reader, step.decidedBy, 'decidedBy');
  });

  it('requestedBy and decidedBy in the termination list (the one-statement page)', async () => {
    const { terminations } = await read<{
      terminations: { edges: { node: { id: string; requestedBy: Person; approvalSteps: { decidedBy: Person | null }[] } }[] };
    }>(reader, `{ terminations(first: 20) { edges { node { id requestedBy { ${PERSON} } approvalSteps { decidedBy { ${PERSON} } } } } } }`);
    const node = terminations.edges.find((e) => e.node.id === terminationId)?.node;
    expectPrivacy(reader, node?.requestedBy, 'list requestedBy');
    for (const step of node!.approvalSteps) expectPrivacy(reader, step.decidedBy, 'list decidedBy');
  });

  it('completedBy on follow-up tasks', async () => {
    const { termination } = await read<{ termination: { followUpTasks: { completedBy: Person | null }[] } }>(
      reader,
      `query($id: ID) { termination(id: $id) { followUpTasks { completedBy { ${PERSON} } } } }`,
      { id: terminationId },
    );
    const done = termination.followUpTasks.filter((x) => x.completedBy);
    expect(done.length).toBeGreaterThan(0);
    for (const task of done) expectPrivacy(reader, task.completedBy, 'completedBy');
  });

  it('the dossier (GraphQL, JSON and HTML) and the CSV export name staff without e-mail addresses', async () => {
    const { terminationDossier } = await read<{ terminationDossier: Record<string, unknown> }>(
      reader,
      `query($n: String!) { terminationDossier(number: $n) }`,
      { n: terminationNumber },
    );
    const texts = [JSON.stringify(terminationDossier)];
    for (const path of [
      `/terminations/${terminationNumber}/dossier.json`,
      `/terminations/${terminationNumber}/dossier.html`,
      '/exports/terminations.csv',
    ]) {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${bearer.get(reader)}` } });
      expect(res.status, `${reader} ${path}`).toBe(200);
      texts.push(await res.text());
    }
    const dossier = terminationDossier as { termination: { requestedBy: string }; approvals: { decidedBy: string | null }[] };
    // Staff are there by name …
    expect(dossier.termination.requestedBy).toEqual(expect.any(String));
    expect(dossier.approvals.every((a) => typeof a.decidedBy === 'string')).toBe(true);
    // … and their addresses nowhere.
    for (const text of texts) for (const email of STAFF_EMAILS) expect(text, `${reader}: ${email}`).not.toContain(email);
  });
});

describe('the user themself', () => {
  it('the auditor sees their own e-mail and role through me, though not other staff’s', async () => {
    const { me } = await read<{ me: Person }>('auditor', `{ me { ${PERSON} } }`);
    expect(me.email).toBe('auditor@example.com');
    expect(me.role).toBe('AUDITOR');
    expect(me.permissions).toContain('terminations:read');
  });

  it('a successful login answers with the user’s own e-mail and role, though the request had no credentials', async () => {
    const res = await server.gql<{ login: { user: Person } }>(
      `mutation { login(email: "auditor@example.com", password: "demo1234") { ... on LoginSuccess { user { ${PERSON} } } } }`,
    );
    expect(res.data?.login.user).toMatchObject({ email: 'auditor@example.com', role: 'AUDITOR' });
  });

  it('a key reads requestedBy of a termination it submitted for its owner without the owner’s e-mail', async () => {
    const partner = await server.gql<{ createApiKey: { secret: string } }>(
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ... on CreateApiKeySuccess { secret } } }`,
      { i: { name: 'privacy writer', scopes: ['TERMINATIONS_READ', 'TERMINATIONS_WRITE'] } },
      bearer.get('admin'),
    );
    const res = await server.gql<{ submitTermination: { __typename: string; termination: { requestedBy: Person } } }>(
      `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { __typename
        ... on SubmitTerminationSuccess { termination { requestedBy { ${PERSON} } } } } }`,
      { i: { orderNumber: 'SO-2026-00002', reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'partner submits' } },
      partner.data!.createApiKey.secret,
    );
    expect(res.data?.submitTermination.__typename, JSON.stringify(res)).toBe('SubmitTerminationSuccess');
    expectPrivacy('key', res.data!.submitTermination.termination.requestedBy, 'requestedBy of its own submission');
  });
});

describe('live events', () => {
  let live: LiveClient | undefined;
  afterAll(async () => live?.dispose());

  it('a partner following terminations receives no staff e-mail address', async () => {
    live = liveClient(server.url, `Bearer ${keySecret}`);
    const events = await live.subscribe<Record<string, unknown>>(
      `subscription { terminationChanged { kind terminationId number oldStatus newStatus departments stepId taskId actorName at } }`,
    );
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00003',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'live privacy',
    });
    const event = await events.next((e) => e.terminationId === submitted.termination!.id);
    expect(event.actorName).toEqual(expect.any(String));
    for (const email of STAFF_EMAILS) expect(JSON.stringify(events.events)).not.toContain(email);
  });
});
