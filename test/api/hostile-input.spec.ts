import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessChecksums, changedTables, type Checksums } from '../harness/checksum.js';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

/*
 * Generated hostile input against every mutation and the public operations. Whatever comes
 * in, the server answers with a clear refusal (4xx, BAD_USER_INPUT, a validation error or a
 * typed ErrorResult), never an internal error, never its internals, stays up, and changes
 * no business data, except in the few cases below that are meant to store text and check
 * that it is stored and returned verbatim.
 */

/** `victim`: the session that cross-site-style requests (wrong content type, GET, other methods) try to log out. */
type Who = 'anonymous' | 'admin' | 'clerk' | 'salesHead' | 'financeHead' | 'auditor' | 'victim';
const EMAIL: Record<Exclude<Who, 'anonymous'>, string> = {
  admin: 'admin@example.com',
  clerk: 'clerk@example.com',
  salesHead: 'sales.head@example.com',
  financeHead: 'finance.head@example.com',
  auditor: 'auditor@example.com',
  victim: 'warehouse.head@example.com',
};

interface Fixture {
  tokens: Map<Who, string>;
  /** A line of SO-2026-00006 (nothing terminated there) and its quantity. */
  lineId: string;
  lineQuantity: number;
  /** Ids of other entity types, to pass where another kind is expected. */
  orderId: string;
  userId: string;
  /** Rows in a state where the operation refuses before using the hostile text. */
  decidedStepId: string;
  doneTaskId: string;
  withdrawnId: string;
  effectiveId: string;
}

/** The server of the mode running now (see describe.each(MODES) below). */
let server: ApiServer;
let wf: Workflow;
let fx: Fixture;
let casesRun = 0;
let lastChecksums: Checksums | undefined;

interface Raw {
  status: number;
  contentType: string;
  text: string;
  json?: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

interface Case {
  name: string;
  send: () => Promise<Response>;
  /** The request must not have run `logout` for the victim's session (CSRF-style requests). */
  keepsVictimSignedIn?: boolean;
  /** Extra expectations, e.g. "refused with 413 or BAD_USER_INPUT". */
  check?: (raw: Raw) => void;
}

// ---------------------------------------------------------------- payloads

const MB_STRING = 'x'.repeat(1_000_000);
const STRINGS: Record<string, string> = {
  empty: '',
  long10k: 'y'.repeat(10_000),
  oneMegabyte: MB_STRING,
  emoji: '😀🔥👨‍👩‍👧‍👦 终止 ✅',
  rtlOverride: 'invoice\u202Etxt.exe',
  nul: 'a\u0000b',
  sqlDrop: "'; drop table termination; --",
  sqlOr: "' or '1'='1",
  html: '<script>alert(1)</script>',
  likeWildcards: '%_\\%',
  controlChars: 'a\r\nb\tc\u0007\u001b[31m',
  loneSurrogate: 'a\uD800b',
  chinese: '华东机械有限公司',
};

const ID_PAYLOADS = (): Record<string, unknown> => ({
  randomUuid: randomUUID(),
  nilUuid: '00000000-0000-0000-0000-000000000000',
  notUuid: 'not-a-uuid',
  empty: '',
  sql: "1' or '1'='1",
  long: '9'.repeat(10_000),
  nul: '00000000-0000-4000-8000-00000000000\u0000',
  uuidWithSpace: `${randomUUID()} `,
  foreignOrderId: fx.orderId,
  foreignUserId: fx.userId,
});

const QUANTITIES: Record<string, unknown> = {
  zero: 0,
  negative: -1,
  minInt: -2147483648,
  maxInt: 2147483647,
  overflow: 2147483648,
  huge: 1e308,
  fractional: 1.5,
  string: '1',
  boolean: true,
  nullValue: null,
  object: { n: 1 },
};

const FIRSTS: Record<string, unknown> = { zero: 0, negative: -1, tooMany: 101, maxInt: 2147483647, overflow: 2147483648, fractional: 1.5 };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const CURSORS: Record<string, string> = {
  garbage: 'zzz!!',
  notTimestamp: b64(['garbage', 'x']),
  notUuid: b64(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
  numbers: b64([1, 2]),
  sqlInside: b64(["2026-01-01'; drop table termination; --", randomUUID()]),
};

// ---------------------------------------------------------------- requests

function post(body: string, headers: Record<string, string> = {}, method = 'POST'): Promise<Response> {
  return fetch(`${server.url}/graphql`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
}

const authed = (who: Who): Record<string, string> => {
  const token = fx.tokens.get(who);
  return token ? { authorization: `Bearer ${token}` } : {};
};

/** Every GraphQL document the cases send, to check that no mutation is left out. */
const documents = new Set<string>();

function gqlRequest(who: Who, query: string, variables: () => Record<string, unknown>): () => Promise<Response> {
  documents.add(query);
  return () => post(JSON.stringify({ query, variables: variables() }), authed(who));
}

const RESULT = `__typename ... on ErrorResult { code message }`;

/** A text slot of an operation: who calls it, the document, and where the text goes. */
interface Slot {
  name: string;
  who: Who;
  query: string;
  variables: (s: unknown) => Record<string, unknown>;
}

const SUBMIT = `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { ${RESULT} } }`;
const IMPACT = `query($i: TerminationImpactInput!) { terminationImpact(input: $i) { ${RESULT} ... on TerminationImpact { blockers { code } } } }`;
const DECIDE = `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { ${RESULT} } }`;
const WITHDRAW = `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { ${RESULT} } }`;
const RESPOND = `mutation($i: RespondToTerminationInput!) { respondToTermination(input: $i) { ${RESULT} } }`;
const COMPLETE = `mutation($i: CompleteFollowUpTaskInput!) { completeFollowUpTask(input: $i) { ${RESULT} } }`;
const CREATE_REASON = `mutation($i: TerminationReasonInput!) { createTerminationReason(input: $i) { ${RESULT} } }`;
const UPDATE_REASON = `mutation($id: ID!, $i: TerminationReasonInput!) { updateTerminationReason(id: $id, input: $i) { ${RESULT} } }`;
const CREATE_RULE = `mutation($i: ApprovalRuleInput!) { createApprovalRule(input: $i) { ${RESULT} } }`;
const UPDATE_RULE = `mutation($id: ID!, $i: ApprovalRuleInput!) { updateApprovalRule(id: $id, input: $i) { ${RESULT} } }`;
const PREVIEW_RULE = `query($i: ApprovalRulePreviewInput!) { previewApprovalRule(input: $i) { ${RESULT} ... on ApprovalRulePreview { checked } } }`;
const previewInput = (patch: Record<string, unknown>) => ({ department: 'FINANCE', stage: 3, condition: { always: true }, ...patch });
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${RESULT} } }`;
const CREATE_USER = `mutation($i: UserInput!) { createUser(input: $i) { ${RESULT} } }`;
const UPDATE_USER = `mutation($id: ID!, $i: UserInput!) { updateUser(id: $id, input: $i) { ${RESULT} } }`;
const ADJUST_FEE = `mutation($i: AdjustCancellationFeeInput!) { adjustCancellationFee(input: $i) { ${RESULT} } }`;
const SET_RATE = `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { ${RESULT} } }`;
const CREATE_WEBHOOK = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ${RESULT} } }`;
const UPDATE_WEBHOOK = `mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { ${RESULT} } }`;
const SYNC = `mutation($i: SyncRecordsInput!) { syncRecords(input: $i) { ${RESULT} ... on SyncRecordsSuccess { applied rejected } } }`;
/** A customer record that is always rejected (its e-mail is not one): hostile text in it is never stored. */
const rejectedCustomer = (patch: Record<string, unknown>) => ({
  source: 'HOSTILE',
  customers: [{ externalId: 'hostile', code: 'H-1', name: 'x', contactName: 'x', email: 'not-an-email', city: 'x', ...patch }],
});
const ADD_COMMENT = `mutation($i: AddTerminationCommentInput!) { addTerminationComment(input: $i) { ${RESULT} } }`;
const EDIT_COMMENT = `mutation($i: EditTerminationCommentInput!) { editTerminationComment(input: $i) { ${RESULT} } }`;
/** A well-formed id no row has. */
const NO_SUCH_ROW = '00000000-0000-4000-8000-00000000c0de';
const SET_SSO_MAPPING = `mutation($i: SsoClaimMappingInput!) { setSsoClaimMapping(input: $i) { ${RESULT} } }`;
const CHANGE_PASSWORD = `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { ${RESULT} } }`;

const reasonInput = (patch: Record<string, unknown>) => ({
  code: 'HOSTILE',
  labelZh: '敌意',
  labelEn: 'Hostile',
  category: 'OTHER',
  customerConfirmationDefault: false,
  ...patch,
});
/** An invalid code: the rule is refused after the other fields were checked, so nothing is stored. */
const ruleInput = (patch: Record<string, unknown>) => ({
  code: '!',
  department: 'FINANCE',
  stage: 3,
  condition: { always: true },
  slaHours: 24,
  descriptionZh: '敌意',
  descriptionEn: 'hostile',
  active: false,
  ...patch,
});

/**
 * Where hostile text goes. Rows are chosen so that no valid combination can change data:
 * a fully shipped order (SO-2026-00004), a decided step, a finished task, a withdrawn
 * termination, a wrong current password.
 */
const TEXT_SLOTS: Slot[] = [
  {
    name: 'setExchangeRate.currency',
    who: 'admin',
    query: SET_RATE,
    variables: (s) => ({ i: { currency: s, rate: '7.1', validFrom: '2026-06-01' } }),
  },
  {
    name: 'setExchangeRate.rate',
    who: 'admin',
    query: SET_RATE,
    variables: (s) => ({ i: { currency: 'CHF', rate: s, validFrom: '2026-06-01' } }),
  },
  { name: 'syncRecords.source', who: 'admin', query: SYNC, variables: (s) => ({ i: { source: s, customers: [] } }) },
  { name: 'syncRecords.customers.name', who: 'admin', query: SYNC, variables: (s) => ({ i: rejectedCustomer({ name: s }) }) },
  { name: 'syncRecords.customers.externalId', who: 'admin', query: SYNC, variables: (s) => ({ i: rejectedCustomer({ externalId: s }) }) },
  { name: 'login.email', who: 'anonymous', query: LOGIN, variables: (s) => ({ e: s, p: 'whatever-1' }) },
  // A new account each time: failed sign-ins of one account are slowed down on purpose.
  { name: 'login.password', who: 'anonymous', query: LOGIN, variables: (s) => ({ e: `hostile-${randomUUID()}@example.com`, p: s }) },
  {
    name: 'customerConfirmation.token',
    who: 'anonymous',
    query: `query($t: String!) { customerConfirmation(token: $t) { ${RESULT} } }`,
    variables: (s) => ({ t: s }),
  },
  { name: 'respondToTermination.token', who: 'anonymous', query: RESPOND, variables: (s) => ({ i: { token: s, accept: true } }) },
  {
    name: 'respondToTermination.note',
    who: 'anonymous',
    query: RESPOND,
    variables: (s) => ({ i: { token: 'A'.repeat(43), accept: false, note: s, preferredResolution: 'REFUND' } }),
  },
  {
    name: 'addTerminationComment.body',
    who: 'clerk',
    query: ADD_COMMENT,
    variables: (s) => ({ i: { terminationId: NO_SUCH_ROW, body: s } }),
  },
  {
    name: 'editTerminationComment.body',
    who: 'clerk',
    query: EDIT_COMMENT,
    variables: (s) => ({ i: { commentId: NO_SUCH_ROW, body: s } }),
  },
  {
    name: 'orders.search',
    who: 'clerk',
    query: `query($s: String) { orders(filter: { search: $s }, first: 5) { totalCount } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'orders.customerCode',
    who: 'clerk',
    query: `query($s: String) { orders(filter: { customerCode: $s, productSku: $s }, first: 5) { totalCount } }`,
    variables: (s) => ({ s }),
  },
  { name: 'order.number', who: 'clerk', query: `query($s: String!) { order(number: $s) { number } }`, variables: (s) => ({ s }) },
  {
    name: 'terminations.search',
    who: 'clerk',
    query: `query($s: String) { terminations(filter: { search: $s, orderNumber: $s }, first: 5) { totalCount } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'terminations.reasonCode',
    who: 'clerk',
    query: `query($s: String) { terminations(filter: { reasonCode: $s, pendingDepartment: $s }, first: 5) { totalCount } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'termination.number',
    who: 'clerk',
    query: `query($s: String) { termination(number: $s) { id } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'terminationImpact.orderNumber',
    who: 'clerk',
    query: IMPACT,
    variables: (s) => ({ i: { orderNumber: s, reasonCode: 'OTHER' } }),
  },
  {
    name: 'terminationImpact.reasonCode',
    who: 'clerk',
    query: IMPACT,
    variables: (s) => ({ i: { orderNumber: 'SO-2026-00006', reasonCode: s } }),
  },
  {
    name: 'approvalBoard.department',
    who: 'admin',
    query: `query($s: String!) { approvalBoard(department: $s) { department } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'followUpTasks.department',
    who: 'clerk',
    query: `query($s: String) { followUpTasks(filter: { department: $s }, first: 5) { totalCount } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'mailbox.recipient',
    who: 'admin',
    query: `query($s: String) { mailbox(recipient: $s, first: 1) { totalCount } }`,
    variables: (s) => ({ s }),
  },
  {
    name: 'submitTermination.orderNumber',
    who: 'clerk',
    query: SUBMIT,
    variables: (s) => ({ i: { orderNumber: s, reasonCode: 'OTHER', explanation: 'hostile order number' } }),
  },
  {
    name: 'submitTermination.reasonCode',
    who: 'clerk',
    query: SUBMIT,
    variables: (s) => ({ i: { orderNumber: 'SO-2026-00004', reasonCode: s, explanation: 'hostile reason code' } }),
  },
  {
    name: 'submitTermination.explanation',
    who: 'clerk',
    query: SUBMIT,
    variables: (s) => ({ i: { orderNumber: 'SO-2026-00004', reasonCode: 'CUSTOMER_CANCELLATION', explanation: s } }),
  },
  {
    name: 'submitTermination.idempotencyKey',
    who: 'clerk',
    query: SUBMIT,
    variables: (s) => ({
      i: { orderNumber: 'SO-2026-00004', reasonCode: 'CUSTOMER_CANCELLATION', explanation: 'hostile key', idempotencyKey: s },
    }),
  },
  {
    name: 'decideApproval.comment',
    who: 'salesHead',
    query: DECIDE,
    variables: (s) => ({ i: { stepId: fx.decidedStepId, decision: 'REJECT', comment: s } }),
  },
  {
    name: 'decideApproval.idempotencyKey',
    who: 'salesHead',
    query: DECIDE,
    variables: (s) => ({ i: { stepId: fx.decidedStepId, decision: 'APPROVE', idempotencyKey: s } }),
  },
  {
    name: 'adjustCancellationFee.amount',
    who: 'financeHead',
    query: ADJUST_FEE,
    variables: (s) => ({ i: { terminationId: fx.withdrawnId, amount: s, reason: 'hostile' } }),
  },
  {
    name: 'adjustCancellationFee.reason',
    who: 'financeHead',
    query: ADJUST_FEE,
    variables: (s) => ({ i: { terminationId: fx.withdrawnId, amount: '0', reason: s } }),
  },
  {
    name: 'withdrawTermination.reason',
    who: 'admin',
    query: WITHDRAW,
    variables: (s) => ({ i: { terminationId: fx.withdrawnId, reason: s } }),
  },
  {
    name: 'withdrawTermination.idempotencyKey',
    who: 'admin',
    query: WITHDRAW,
    variables: (s) => ({ i: { terminationId: fx.withdrawnId, reason: 'hostile', idempotencyKey: s } }),
  },
  {
    name: 'completeFollowUpTask.note',
    who: 'admin',
    query: COMPLETE,
    variables: (s) => ({ i: { taskId: fx.doneTaskId, note: s, outcome: 'REFUND', outcomeDetails: s } }),
  },
  {
    name: 'terminateDiscontinuedProduct.productSku',
    who: 'admin',
    query: `mutation($i: TerminateDiscontinuedProductInput!) { terminateDiscontinuedProduct(input: $i) { ${RESULT} } }`,
    variables: (s) => ({ i: { productSku: s, reasonCode: 'PRODUCT_DISCONTINUED', explanation: 'hostile product' } }),
  },
  {
    name: 'setCalendarDays.date',
    who: 'admin',
    query: `mutation($d: [CalendarDayInput!]!) { setCalendarDays(days: $d) { ${RESULT} } }`,
    variables: (s) => ({ d: [{ date: s, kind: 'HOLIDAY', name: 'hostile' }] }),
  },
  {
    name: 'setCalendarDays.name',
    who: 'admin',
    query: `mutation($d: [CalendarDayInput!]!) { setCalendarDays(days: $d) { ${RESULT} } }`,
    // A weekday cannot be a make-up working day: refused whatever the name, after the name is checked.
    variables: (s) => ({ d: [{ date: '2031-03-05', kind: 'WORKDAY', name: s }] }),
  },
  {
    name: 'removeCalendarDay.date',
    who: 'admin',
    query: `mutation($d: String!) { removeCalendarDay(date: $d) { ${RESULT} } }`,
    variables: (s) => ({ d: s }),
  },
  {
    name: 'createTerminationReason.code',
    who: 'admin',
    query: CREATE_REASON,
    variables: (s) => ({ i: reasonInput({ code: s }) }),
  },
  {
    name: 'updateTerminationReason.labels',
    who: 'admin',
    query: UPDATE_REASON,
    variables: (s) => ({ id: randomUUID(), i: reasonInput({ labelZh: s, labelEn: s }) }),
  },
  { name: 'createApprovalRule.code', who: 'admin', query: CREATE_RULE, variables: (s) => ({ i: ruleInput({ code: s }) }) },
  {
    name: 'createApprovalRule.department',
    who: 'admin',
    query: CREATE_RULE,
    variables: (s) => ({ i: ruleInput({ department: s }) }),
  },
  {
    name: 'createApprovalRule.condition',
    who: 'admin',
    query: CREATE_RULE,
    variables: (s) => ({ i: ruleInput({ condition: { fact: 'reasonCode', op: 'eq', value: s }, descriptionEn: s }) }),
  },
  {
    name: 'previewApprovalRule.condition',
    who: 'admin',
    query: PREVIEW_RULE,
    variables: (s) => ({ i: previewInput({ condition: { fact: 'reasonCode', op: 'in', value: [s, s] } }) }),
  },
  {
    name: 'previewApprovalRule.department',
    who: 'admin',
    query: PREVIEW_RULE,
    variables: (s) => ({ i: previewInput({ department: s }) }),
  },
  {
    name: 'updateApprovalRule.descriptions',
    who: 'admin',
    query: UPDATE_RULE,
    variables: (s) => ({ id: randomUUID(), i: ruleInput({ descriptionZh: s, descriptionEn: s }) }),
  },
  {
    name: 'createApiKey.name',
    who: 'admin',
    query: `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ${RESULT} } }`,
    // No scopes: refused even when the name is fine.
    variables: (s) => ({ i: { name: s, scopes: [] } }),
  },
  {
    name: 'createApiKey.department',
    who: 'admin',
    query: `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ${RESULT} } }`,
    variables: (s) => ({ i: { name: 'hostile department', scopes: ['FOLLOW_UPS_WRITE'], department: s } }),
  },
  {
    name: 'updateNotificationPreferences.mailKinds',
    who: 'clerk',
    query: `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { ${RESULT} } }`,
    variables: (s) => ({ i: { mailKinds: [s], mailLanguage: s } }),
  },
  { name: 'changePassword.new', who: 'auditor', query: CHANGE_PASSWORD, variables: (s) => ({ o: 'wrong-password-1', n: s }) },
  { name: 'changePassword.old', who: 'auditor', query: CHANGE_PASSWORD, variables: (s) => ({ o: s, n: 'short' }) },
  // A password too short: the user is refused before anything is stored.
  {
    name: 'createUser.email',
    who: 'admin',
    query: CREATE_USER,
    variables: (s) => ({ i: { email: s, name: 'Hostile', role: 'AUDITOR', password: 'short' } }),
  },
  {
    name: 'createUser.name',
    who: 'admin',
    query: CREATE_USER,
    variables: (s) => ({ i: { email: 'hostile.user@example.com', name: s, role: 'CLERK', department: s, password: 'short' } }),
  },
  {
    name: 'updateUser.name',
    who: 'admin',
    query: UPDATE_USER,
    variables: (s) => ({ id: randomUUID(), i: { name: s, role: 'AUDITOR' } }),
  },
  // No event type: the endpoint is refused even when the text is fine (a public IP literal needs no DNS).
  {
    name: 'createWebhookEndpoint.url',
    who: 'admin',
    query: CREATE_WEBHOOK,
    variables: (s) => ({ i: { url: s, eventTypes: [] } }),
  },
  {
    name: 'createWebhookEndpoint.texts',
    who: 'admin',
    query: CREATE_WEBHOOK,
    variables: (s) => ({ i: { url: 'https://93.184.216.34/hook', eventTypes: [], description: s, payloadQuery: s } }),
  },
  {
    name: 'createWebhookEndpoint.signingSecret',
    who: 'admin',
    query: CREATE_WEBHOOK,
    variables: (s) => ({ i: { url: 'https://93.184.216.34/hook', eventTypes: [], kind: 'DINGTALK', signingSecret: s, idempotencyKey: s } }),
  },
  {
    name: 'updateWebhookEndpoint.texts',
    who: 'admin',
    query: UPDATE_WEBHOOK,
    variables: (s) => ({ i: { id: randomUUID(), url: s, description: s, payloadQuery: s, signingSecret: s } }),
  },
  // Single sign-on: a department no mapping may name, so nothing is ever stored.
  {
    name: 'setSsoClaimMapping.value',
    who: 'admin',
    query: SET_SSO_MAPPING,
    variables: (s) => ({ i: { claim: 'DEPARTMENT', value: s, department: 'NOWHERE' } }),
  },
  {
    name: 'setSsoClaimMapping.department',
    who: 'admin',
    query: SET_SSO_MAPPING,
    variables: (s) => ({ i: { claim: 'DEPARTMENT', value: 'hostile', department: s } }),
  },
  {
    name: 'completeSsoSignIn.code',
    who: 'anonymous',
    query: `mutation($c: String!) { completeSsoSignIn(code: $c) { ${RESULT} } }`,
    variables: (s) => ({ c: s }),
  },
];

/** Where hostile ids go. None of them names a row of the kind expected. */
const ID_SLOTS: Slot[] = [
  {
    name: 'setApprovalDeputy.deputyUserId',
    who: 'salesHead',
    query: `mutation($i: SetApprovalDeputyInput!) { setApprovalDeputy(input: $i) { ${RESULT} } }`,
    // A period already over: no id, however valid, can name a deputy with it.
    variables: (id) => ({ i: { deputyUserId: id, from: '2020-01-01T00:00:00Z', to: '2020-01-08T00:00:00Z', idempotencyKey: String(id) } }),
  },
  // Comments (issue #17): a termination or comment that does not exist, so nothing is ever stored.
  {
    name: 'addTerminationComment.terminationId',
    who: 'clerk',
    query: ADD_COMMENT,
    variables: (id) => ({ i: { terminationId: id, body: 'hostile', idempotencyKey: String(id) } }),
  },
  {
    name: 'addTerminationComment.attachmentIds',
    who: 'clerk',
    query: ADD_COMMENT,
    variables: (id) => ({ i: { terminationId: fx.withdrawnId, body: 'hostile', attachmentIds: [id] } }),
  },
  {
    name: 'editTerminationComment.commentId',
    who: 'clerk',
    query: EDIT_COMMENT,
    variables: (id) => ({ i: { commentId: id, body: 'hostile' } }),
  },
  {
    name: 'clearApprovalDeputy.id',
    who: 'salesHead',
    query: `mutation($id: ID!) { clearApprovalDeputy(id: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'assignFollowUpTask.taskId',
    who: 'admin',
    query: `mutation($i: AssignFollowUpTaskInput!) { assignFollowUpTask(input: $i) { ${RESULT} } }`,
    variables: (id) => ({ i: { taskId: id, userId: id } }),
  },
  {
    name: 'startImport.id',
    who: 'admin',
    query: `mutation($i: StartImportInput!) { startImport(input: $i) { ${RESULT} } }`,
    variables: (id) => ({ i: { id, idempotencyKey: String(id) } }),
  },
  {
    name: 'deleteSsoClaimMapping.id',
    who: 'admin',
    query: `mutation($id: ID!) { deleteSsoClaimMapping(id: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'deleteExchangeRate.id',
    who: 'admin',
    query: `mutation($id: ID!) { deleteExchangeRate(id: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'updateUser.id',
    who: 'admin',
    query: UPDATE_USER,
    variables: (id) => ({ id, i: { name: 'Hostile', role: 'ADMIN', password: 'short' } }),
  },
  { name: 'termination.id', who: 'clerk', query: `query($id: ID) { termination(id: $id) { id } }`, variables: (id) => ({ id }) },
  {
    name: 'withdrawTermination.terminationId',
    who: 'admin',
    query: WITHDRAW,
    variables: (id) => ({ i: { terminationId: id, reason: 'hostile id' } }),
  },
  {
    name: 'retryTerminationEffect',
    who: 'admin',
    query: `mutation($id: ID!) { retryTerminationEffect(terminationId: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'resendCustomerConfirmation',
    who: 'admin',
    query: `mutation($id: ID!) { resendCustomerConfirmation(terminationId: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'decideApproval.stepId',
    who: 'admin',
    query: DECIDE,
    variables: (id) => ({ i: { stepId: id, decision: 'APPROVE' } }),
  },
  {
    name: 'completeFollowUpTask.taskId',
    who: 'admin',
    query: COMPLETE,
    variables: (id) => ({ i: { taskId: id, note: 'hostile id', outcome: 'REFUND' } }),
  },
  {
    name: 'decideApprovals.stepIds',
    who: 'admin',
    query: `mutation($i: DecideApprovalsInput!) { decideApprovals(input: $i) { stepId result { __typename } } }`,
    variables: (id) => ({ i: { stepIds: [id], decision: 'APPROVE' } }),
  },
  {
    name: 'revokeApiKey',
    who: 'admin',
    query: `mutation($id: ID!) { revokeApiKey(id: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  { name: 'updateWebhookEndpoint.id', who: 'admin', query: UPDATE_WEBHOOK, variables: (id) => ({ i: { id, description: 'hostile' } }) },
  {
    name: 'deleteWebhookEndpoint',
    who: 'admin',
    query: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'rotateWebhookSecret',
    who: 'admin',
    query: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'sendTestWebhook',
    who: 'admin',
    query: `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'redeliverWebhook',
    who: 'admin',
    query: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { ${RESULT} } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'previewApprovalRule.ruleId',
    who: 'admin',
    query: PREVIEW_RULE,
    variables: (id) => ({ i: previewInput({ ruleId: id }) }),
  },
  {
    name: 'updateApprovalRule.id',
    who: 'admin',
    query: UPDATE_RULE,
    variables: (id) => ({ id, i: ruleInput({}) }),
  },
  {
    name: 'updateTerminationReason.id',
    who: 'admin',
    query: UPDATE_REASON,
    variables: (id) => ({ id, i: reasonInput({}) }),
  },
  {
    name: 'markNotificationsRead',
    who: 'clerk',
    query: `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`,
    variables: (id) => ({ ids: [id] }),
  },
  {
    name: 'terminationImpact.lineId',
    who: 'clerk',
    query: IMPACT,
    variables: (id) => ({ i: { orderNumber: 'SO-2026-00006', reasonCode: 'OTHER', lines: [{ lineId: id, quantity: 1 }] } }),
  },
  {
    name: 'submitTermination.lineId',
    who: 'clerk',
    query: SUBMIT,
    variables: (id) => ({
      i: {
        orderNumber: 'SO-2026-00006',
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: 'hostile line id',
        lines: [{ lineId: id, quantity: 1 }],
      },
    }),
  },
  {
    name: 'terminations.bulkRunId',
    who: 'clerk',
    query: `query($id: ID) { terminations(filter: { bulkRunId: $id }, first: 1) { totalCount } }`,
    variables: (id) => ({ id }),
  },
  {
    name: 'followUpTasks.terminationId',
    who: 'clerk',
    query: `query($id: ID) { followUpTasks(filter: { terminationId: $id }, first: 1) { totalCount } }`,
    variables: (id) => ({ id }),
  },
];

/** Quantities: never one that would be accepted on SO-2026-00006, so submitting always refuses. */
const QUANTITY_SLOTS: Slot[] = [
  {
    name: 'terminationImpact.quantity',
    who: 'clerk',
    query: IMPACT,
    variables: (q) => ({ i: { orderNumber: 'SO-2026-00006', reasonCode: 'OTHER', lines: [{ lineId: fx.lineId, quantity: q }] } }),
  },
  {
    name: 'submitTermination.quantity',
    who: 'clerk',
    query: SUBMIT,
    variables: (q) => ({
      i: {
        orderNumber: 'SO-2026-00006',
        reasonCode: 'CUSTOMER_CHANGE',
        explanation: 'hostile quantity',
        lines: [{ lineId: fx.lineId, quantity: q }],
      },
    }),
  },
  {
    name: 'syncRecords.stockLevels.onHand',
    who: 'admin',
    // Unknown warehouse and product: the row is rejected whatever the quantity.
    query: SYNC,
    variables: (q) => ({
      i: { source: 'HOSTILE', stockLevels: [{ externalId: 'h', warehouseExternalId: 'none', productExternalId: 'none', onHand: q }] },
    }),
  },
  { name: 'createApprovalRule.stage', who: 'admin', query: CREATE_RULE, variables: (q) => ({ i: ruleInput({ stage: q }) }) },
  { name: 'createApprovalRule.slaHours', who: 'admin', query: CREATE_RULE, variables: (q) => ({ i: ruleInput({ slaHours: q }) }) },
  { name: 'previewApprovalRule.stage', who: 'admin', query: PREVIEW_RULE, variables: (q) => ({ i: previewInput({ stage: q }) }) },
  {
    name: 'createTerminationReason.sortOrder',
    who: 'admin',
    query: CREATE_REASON,
    // An invalid code as well: the reason is never stored.
    variables: (q) => ({ i: reasonInput({ code: '!', sortOrder: q }) }),
  },
];

/** Paged fields (first / after) and who may read them. */
const PAGED: Record<string, Who> = {
  orders: 'clerk',
  terminations: 'clerk',
  followUpTasks: 'clerk',
  notifications: 'clerk',
  mailbox: 'admin',
  products: 'clerk',
  purchaseOrders: 'clerk',
};

// ---------------------------------------------------------------- generated cases

function slotCase(slot: Slot, label: string, value: () => unknown): Case {
  return { name: `${slot.name} ← ${label}`, send: gqlRequest(slot.who, slot.query, () => slot.variables(value())) };
}

function expectRefusedOrTyped(raw: Raw): void {
  // Over-long text: refused at the door (413) or as bad input, never stored or half-processed.
  const code = raw.json?.errors?.[0]?.extensions?.code;
  const typed = raw.json?.data && Object.values(raw.json.data).some((v) => typeof v === 'object' && v !== null && 'code' in v);
  expect(raw.status === 413 || code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED' || typed, raw.text.slice(0, 300)).toBe(
    true,
  );
}

const cases: Case[] = [];

for (const slot of TEXT_SLOTS) {
  for (const [label, text] of Object.entries(STRINGS)) {
    const c = slotCase(slot, label, () => text);
    // Slots with a length limit must refuse a megabyte. Public and sign-in slots may instead
    // answer "not found / wrong password" after cutting the text down; both are fine.
    if (label === 'oneMegabyte') c.check = expectRefusedOrTyped;
    cases.push(c);
  }
}

const ID_LABELS = ['randomUuid', 'nilUuid', 'notUuid', 'empty', 'sql', 'long', 'nul', 'uuidWithSpace', 'foreignOrderId', 'foreignUserId'];
for (const slot of ID_SLOTS) {
  for (const label of ID_LABELS) cases.push(slotCase(slot, `id ${label}`, () => ID_PAYLOADS()[label]));
}

for (const slot of QUANTITY_SLOTS) {
  for (const [label, quantity] of Object.entries(QUANTITIES)) cases.push(slotCase(slot, `quantity ${label}`, () => quantity));
}

for (const target of [
  { name: 'terminationImpact', query: IMPACT, extra: {} },
  { name: 'submitTermination', query: SUBMIT, extra: { explanation: 'hostile lines' } },
]) {
  const input = (lines: () => unknown[]) => () => ({
    i: { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE', ...target.extra, lines: lines() },
  });
  const line = (quantity: number) => ({ lineId: fx.lineId, quantity });
  cases.push(
    {
      name: `${target.name}: duplicate lines`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => [line(1), line(1)]),
      ),
    },
    {
      name: `${target.name}: the same line 200 times`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => Array.from({ length: 200 }, () => line(1))),
      ),
    },
    {
      name: `${target.name}: 201 lines`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => Array.from({ length: 201 }, () => line(1))),
      ),
    },
    {
      name: `${target.name}: 20 000 lines`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => Array.from({ length: 20_000 }, () => ({ lineId: randomUUID(), quantity: 1 }))),
      ),
    },
    {
      name: `${target.name}: empty lines`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => []),
      ),
    },
    {
      name: `${target.name}: above the open quantity`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => [line(fx.lineQuantity + 1)]),
      ),
    },
    {
      name: `${target.name}: null line`,
      send: gqlRequest(
        'clerk',
        target.query,
        input(() => [null]),
      ),
    },
  );
}

for (const [field, who] of Object.entries(PAGED)) {
  const query = `query($first: Int, $after: String) { ${field}(first: $first, after: $after) { totalCount } }`;
  for (const [label, first] of Object.entries(FIRSTS)) {
    cases.push({ name: `${field}: first ${label}`, send: gqlRequest(who, query, () => ({ first })) });
  }
  for (const [label, after] of Object.entries(CURSORS)) {
    cases.push({ name: `${field}: forged cursor ${label}`, send: gqlRequest(who, query, () => ({ first: 5, after })) });
  }
}

// ---------------------------------------------------------------- query shapes beyond the limits

const nest = (depth: number): string => {
  // termination → approvalSteps → termination → … : each round adds two levels.
  let inner = 'id';
  for (let i = 0; i < depth; i++) inner = (depth - i) % 2 === 1 ? `approvalSteps { ${inner} }` : `termination { ${inner} }`;
  return `query($id: ID) { termination(id: $id) { ${inner} } }`;
};
const HEAVY_ORDERS = `edges { node { lines { reservations { id } purchaseOrderLines { id } } purchaseOrders { lines { id } } shipments { id } } }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { email }`).join(' ')} }`;
/** `refusedFor`: the limit that must stop it (so that a case cannot pass by failing for another reason). */
const SHAPES: Record<string, { who: Who; query: string; variables?: () => Record<string, unknown>; refusedFor?: RegExp }> = {
  'depth 12': { who: 'clerk', query: nest(12), variables: () => ({ id: fx.effectiveId }), refusedFor: /depth limit/i },
  'depth 40': { who: 'clerk', query: nest(40), variables: () => ({ id: fx.effectiveId }), refusedFor: /depth limit/i },
  'depth 40, anonymous': { who: 'anonymous', query: nest(40), variables: () => ({ id: fx.effectiveId }), refusedFor: /depth limit/i },
  '16 aliases': { who: 'clerk', query: aliases(16), refusedFor: /aliases limit/i },
  '1000 aliases': { who: 'clerk', query: aliases(1000), refusedFor: /limit|tokens/i },
  '1000 aliases, anonymous': { who: 'anonymous', query: aliases(1000), refusedFor: /limit|tokens/i },
  '1000 aliased logins': {
    who: 'anonymous',
    query: `mutation { ${Array.from({ length: 1000 }, (_, i) => `l${i}: login(email: "clerk@example.com", password: "guess${i}") { __typename }`).join(' ')} }`,
  },
  '4000 tokens': { who: 'clerk', query: `{ me { ${'email '.repeat(4000)} } }`, refusedFor: /token limit|\d+ tokens/i },
  '11 directives': { who: 'clerk', query: `{ me ${'@include(if: true) '.repeat(11)} { email } }`, refusedFor: /limit|only be used once/i },
  '500 directives': { who: 'clerk', query: `{ me ${'@skip(if: false) '.repeat(500)} { email } }`, refusedFor: /limit|tokens/i },
  'expensive lists': {
    who: 'clerk',
    query: `{ orders(first: 100) { edges { node { lines { reservations { id } purchaseOrderLines { id } } purchaseOrders { lines { id } } shipments { id } } } } }`,
  },
  // Twelve heavy pages of 100 orders (3.8 MB in 2.3 s when they ran): over the default cost
  // limit whether the page size is written in the query or passed as a variable.
  'twelve heavy pages, literal first': {
    who: 'clerk',
    query: `{ ${Array.from({ length: 12 }, (_, i) => `o${i}: orders(first: 100) { ${HEAVY_ORDERS} }`).join(' ')} }`,
    refusedFor: /cost limit/i,
  },
  'twelve heavy pages, first from a variable': {
    who: 'clerk',
    query: `query($n: Int) { ${Array.from({ length: 12 }, (_, i) => `o${i}: orders(first: $n) { ${HEAVY_ORDERS} }`).join(' ')} }`,
    variables: () => ({ n: 100 }),
    refusedFor: /cost limit/i,
  },
  'fragment cycle': { who: 'clerk', query: `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }` },
  'deep introspection': {
    who: 'clerk',
    query: `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }`,
  },
  'two operations, no name': { who: 'clerk', query: `query A { me { email } } query B { me { email } }` },
  'syntax error': { who: 'clerk', query: `{ me { email ` },
  'empty document': { who: 'clerk', query: `` },
  'unknown enum value': { who: 'admin', query: `mutation { decideApproval(input: { stepId: "x", decision: MAYBE }) { __typename } }` },
  'subscription over HTTP': { who: 'clerk', query: `subscription { terminationChanged { kind } }` },
};
for (const [name, shape] of Object.entries(SHAPES)) {
  const { refusedFor } = shape;
  cases.push({
    name: `query shape: ${name}`,
    send: gqlRequest(shape.who, shape.query, shape.variables ?? (() => ({}))),
    check: refusedFor
      ? (raw) => {
          expect(raw.json?.data ?? null, raw.text.slice(0, 300)).toBeNull();
          expect(raw.json?.errors?.map((e) => e.message).join(' '), raw.text.slice(0, 300)).toMatch(refusedFor);
        }
      : undefined,
  });
}

const bigObject = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, i]));
/** JSON text nested `depth` levels deep, written by hand: JSON.stringify itself would overflow the stack. */
const deepJson = (depth: number, leaf: string) => `${'{"all":['.repeat(depth)}${leaf}${']}'.repeat(depth)}`;
const rawVariables = (who: Who, query: string, variablesJson: string) => () =>
  post(`{"query": ${JSON.stringify(query)}, "variables": ${variablesJson}}`, authed(who));
cases.push(
  { name: 'variables: 30 000 unused keys', send: gqlRequest('clerk', `{ me { email } }`, () => bigObject) },
  { name: 'variables: 20 000-deep unused object', send: rawVariables('clerk', `{ me { email } }`, `{"deep": ${deepJson(20_000, '1')}}`) },
  {
    name: 'variables: 20 000-deep rule condition',
    send: rawVariables(
      'admin',
      CREATE_RULE,
      `{"i": ${JSON.stringify(ruleInput({ code: 'DEEP_RULE', condition: null })).replace('"condition":null', `"condition":${deepJson(20_000, '{"always":true}')}`)}}`,
    ),
  },
  {
    name: 'variables: 20 000 notification ids',
    send: gqlRequest('clerk', `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`, () => ({
      ids: Array.from({ length: 20_000 }, () => randomUUID()),
    })),
  },
  {
    name: 'variables: wrong types',
    send: gqlRequest('clerk', SUBMIT, () => ({ i: { orderNumber: 42, reasonCode: ['OTHER'], explanation: { a: 1 } } })),
  },
);

// ---------------------------------------------------------------- transport

const ME = JSON.stringify({ query: '{ me { email } }' });
const LOGOUT = JSON.stringify({ query: 'mutation { logout }' });
documents.add('mutation { logout }');
const RAW_BODIES: Record<string, string> = {
  'truncated JSON': '{"query": ',
  'lone brace': '{',
  'JSON null': 'null',
  'JSON array (batch of none)': '[]',
  'JSON string': '"{ me { email } }"',
  'JSON number': '123',
  'query is a number': '{"query": 1}',
  'query is an object': '{"query": {"a": 1}}',
  'variables is a string': '{"query": "{ me { email } }", "variables": "x"}',
  'variables is an array': '{"query": "{ me { email } }", "variables": [1]}',
  'extensions is a string': '{"query": "{ me { email } }", "extensions": "x"}',
  'operationName is an object': '{"query": "{ me { email } }", "operationName": {}}',
  'trailing garbage': `${ME}garbage`,
  'unknown operation name': '{"query": "query A { me { email } }", "operationName": "B"}',
  'byte order mark': `\uFEFF${ME}`,
  'prototype pollution': '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}, "query": "{ me { email } }"}',
  'duplicate keys': '{"query": "{ me { email } }", "query": "{ me { name } }"}',
  'empty body': '',
  'batch of 50 logouts': JSON.stringify(Array.from({ length: 50 }, () => ({ query: 'mutation { logout }' }))),
};
for (const [name, body] of Object.entries(RAW_BODIES)) {
  cases.push({ name: `malformed: ${name}`, send: () => post(body, authed('victim')), keepsVictimSignedIn: true });
}
cases.push(
  {
    name: 'malformed: invalid UTF-8',
    send: () =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authed('clerk') },
        body: Buffer.concat([Buffer.from('{"query": "{ me { email } }", "x": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
      }),
  },
  {
    name: 'oversize: 1.2 MB body',
    send: () => post(JSON.stringify({ query: '{ me { email } }', variables: { pad: 'z'.repeat(1_200_000) } }), authed('clerk')),
    check: (raw) => expect(raw.status).toBe(413),
  },
  {
    name: 'oversize: 1.2 MB query text',
    send: () => post(JSON.stringify({ query: `{ me { email } } # ${'z'.repeat(1_200_000)}` }), authed('clerk')),
    check: (raw) => expect(raw.status).toBe(413),
  },
  {
    name: 'oversize: 1 MB explanation on a fresh order',
    send: gqlRequest('clerk', SUBMIT, () => ({
      i: { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE', explanation: MB_STRING },
    })),
    check: expectRefusedOrTyped,
  },
);

const CONTENT_TYPES = [
  'text/plain',
  'multipart/form-data; boundary=xyz',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/graphql',
  'application/json; charset=utf-16',
  'application/octet-stream',
];
for (const type of CONTENT_TYPES) {
  for (const [label, body] of [
    ['logout', LOGOUT],
    ['login', JSON.stringify({ query: 'mutation { login(email: "clerk@example.com", password: "demo1234") { __typename } }' })],
  ] as const) {
    cases.push({
      name: `content type ${type}: ${label}`,
      send: () => post(body, { ...authed('victim'), 'content-type': type }),
      keepsVictimSignedIn: true,
      // A form on another site must not be able to sign anyone in either.
      check: (raw) => expect(raw.text).not.toContain('LoginSuccess'),
    });
  }
}
cases.push(
  {
    name: 'no content type: logout',
    send: () => fetch(`${server.url}/graphql`, { method: 'POST', headers: authed('victim'), body: LOGOUT }),
    keepsVictimSignedIn: true,
  },
  {
    name: 'form-encoded body: logout',
    send: () =>
      post(`query=${encodeURIComponent('mutation { logout }')}`, {
        ...authed('victim'),
        'content-type': 'application/x-www-form-urlencoded',
      }),
    keepsVictimSignedIn: true,
  },
);

const get = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { ...authed('victim'), ...headers } });
cases.push(
  { name: 'GET: mutation logout', send: () => get('mutation { logout }'), keepsVictimSignedIn: true },
  {
    name: 'GET: mutation logout with preflight header',
    send: () => get('mutation { logout }', { 'apollo-require-preflight': '1' }),
    keepsVictimSignedIn: true,
  },
  {
    name: 'GET: mutation submit with preflight header',
    send: () =>
      get(
        `mutation { submitTermination(input: { orderNumber: "SO-2026-00006", reasonCode: "OTHER", explanation: "via GET request" }) { __typename } }`,
        {
          'apollo-require-preflight': '1',
        },
      ),
  },
  { name: 'GET: 20 KB query string', send: () => get(`{ me { email } } # ${'q'.repeat(20_000)}`, { 'apollo-require-preflight': '1' }) },
  { name: 'PUT with a mutation', send: () => post(LOGOUT, authed('victim'), 'PUT'), keepsVictimSignedIn: true },
  { name: 'DELETE with a mutation', send: () => post(LOGOUT, authed('victim'), 'DELETE'), keepsVictimSignedIn: true },
  { name: 'PATCH with a mutation', send: () => post(LOGOUT, authed('victim'), 'PATCH'), keepsVictimSignedIn: true },
);

const HEADERS: Record<string, Record<string, string>> = {
  'authorization: 10 KB garbage': { authorization: `Bearer ${'g'.repeat(10_000)}` },
  'authorization: malformed API key': { authorization: 'Bearer otk_short_x' },
  'authorization: API key with a wildcard prefix': { authorization: `Bearer otk_%%%%%%%%%%%%_${'a'.repeat(43)}` },
  'authorization: Basic scheme': { authorization: 'Basic YWRtaW46ZGVtbzEyMzQ=' },
  'authorization: alg none token': {
    authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ sub: randomUUID(), sid: randomUUID(), iss: 'order-termination' })}.`,
  },
  'x-request-id: very long': { 'x-request-id': 'r'.repeat(5_000) },
  'x-request-id: injection': { 'x-request-id': '<script>alert(1)</script>' },
};
for (const [name, headers] of Object.entries(HEADERS)) {
  cases.push({ name: `header ${name}`, send: () => post(LOGOUT, headers) });
}

// ---------------------------------------------------------------- the checks

const LEAKS: [string, RegExp][] = [
  ['stack frame', /at .*\.(ts|js):\d+/],
  ['source path', /(\/[\w.@-]+){2,}\.(ts|js)\b/],
  ['node_modules', /node_modules/],
  ['SQL', /select .* from|insert into|update .* set|delete from/i],
  ['PostgreSQL error', /invalid input syntax|violates .* constraint|syntax error at or near|invalid byte sequence|unsupported Unicode/i],
  ['stack trace field', /"stacktrace"/],
];

async function read(res: Response): Promise<Raw> {
  const text = await res.text();
  let json: Raw['json'];
  try {
    json = JSON.parse(text) as Raw['json'];
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

/** The victim's session still works; if a case ended it, sign in again so later cases still test something. */
async function expectVictimSignedIn(context: string): Promise<void> {
  const me = await server.gql<{ me: { email: string } }>(`{ me { email } }`, {}, fx.tokens.get('victim'));
  if (me.data?.me?.email !== EMAIL.victim) fx.tokens.set('victim', await server.login(EMAIL.victim));
  expect(me.data?.me?.email, `the request logged the victim out: ${context}`).toBe(EMAIL.victim);
}

describe('coverage', () => {
  it('sends hostile input to every mutation and every public operation', () => {
    const schema = buildSchema(fs.readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    const targets = [...Object.keys(schema.getMutationType()!.getFields()), 'customerConfirmation'];
    const sent = [...documents].join('\n');
    const missed = targets.filter((name) => !new RegExp(`\\b${name}\\s*[({]|\\b${name}\\s*}`).test(sent));
    expect(missed, 'mutations without hostile cases: add a slot').toEqual([]);
  });
});

/*
 * Every case against the in-process server and against the production process (node
 * server/dist/main.js start, NODE_ENV=production), one after the other: a refusal must look the
 * same in both.
 */
describe.each(MODES)('%s server', (mode) => {
  beforeAll(async () => {
    lastChecksums = undefined;
    server = await startServerIn(mode, {
      // Hundreds of public and sign-in calls from one address; rate limits have their own tests.
      RATE_LIMIT_LOGIN_PER_IP: '100000',
      RATE_LIMIT_LOGIN_FAILURES: '100000',
      RATE_LIMIT_PUBLIC_PER_IP: '100000',
    });
    wf = new Workflow(server);
    const tokens = new Map<Who, string>();
    for (const [who, email] of Object.entries(EMAIL)) tokens.set(who as Who, await wf.token(email));

    // An effective termination: a decided step, a task we finish, the rows the cases point at.
    const done = await wf.effectiveDuplicateOrder('hostile input fixture');
    const task = done.followUpTasks.find((t) => t.kind !== 'CUSTOMER_OUTCOME') ?? done.followUpTasks[0]!;
    const completed = await wf.complete(HEAD_OF[task.department]!, task.id, 'fixture', { outcome: 'REFUND' });
    expect(completed.__typename, JSON.stringify(completed)).toBe('CompleteFollowUpTaskSuccess');

    const [fresh] = await server.sql<{ number: string }>(
      `select number from sales_order where status = 'CONFIRMED' and number not like 'SO-2026-0000%' order by number limit 1`,
    );
    const withdrawn = await wf.submit(EMAIL.clerk, {
      orderNumber: fresh!.number,
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'to withdraw',
    });
    const w = await wf.as<{ withdrawTermination: { __typename: string } }>(EMAIL.clerk, WITHDRAW, {
      i: { terminationId: withdrawn.termination!.id, reason: 'fixture' },
    });
    expect(w.withdrawTermination.__typename).toBe('TerminationSuccess');

    const [line] = await server.sql<{ id: string; quantity: number; order_id: string }>(
      `select l.id, l.quantity, l.order_id from sales_order_line l join sales_order o on o.id = l.order_id where o.number = 'SO-2026-00006' order by l.line_no limit 1`,
    );
    const [user] = await server.sql<{ id: string }>(`select id from app_user where email = $1`, [EMAIL.clerk]);
    fx = {
      tokens,
      lineId: line!.id,
      lineQuantity: line!.quantity,
      orderId: line!.order_id,
      userId: user!.id,
      decidedStepId: done.approvalSteps[0]!.id,
      doneTaskId: task.id,
      withdrawnId: withdrawn.termination!.id,
      effectiveId: done.id,
    };
  }, 120_000);

  afterAll(async () => {
    console.log(`hostile input (${mode}): ${casesRun} cases run`);
    casesRun = 0;
    await server?.close();
  });

  describe('hostile input is refused cleanly and changes nothing', () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      casesRun++;
      // Cases run one after another: the previous case's "after" is this one's "before".
      const before = lastChecksums ?? (await businessChecksums(server));
      // Only a case that gets to the end vouches for the state it leaves behind.
      lastChecksums = undefined;
      const raw = await read(await c.send());
      const context = `${raw.status} ${raw.text.slice(0, 500)}`;

      expect(raw.status, context).toBeLessThan(500);
      const codes = (raw.json?.errors ?? []).map((e) => e.extensions?.code);
      expect(codes, context).not.toContain('INTERNAL_SERVER_ERROR');
      for (const [what, pattern] of LEAKS) expect(raw.text, `${what} in the response: ${context}`).not.toMatch(pattern);
      // Echoed text is data in a JSON document, never HTML a browser would render.
      expect(raw.contentType, context).not.toMatch(/html/);
      c.check?.(raw);
      if (c.keepsVictimSignedIn) await expectVictimSignedIn(context);

      const [health, after] = await Promise.all([fetch(`${server.url}/healthz`), businessChecksums(server)]);
      lastChecksums = after;
      expect(health.status).toBe(200);
      expect(changedTables(before, after), context).toEqual([]);
    });
  });

  /** Text that is meant to be stored: it must come back exactly as sent, and never be executed. */
  describe('hostile text that is stored is stored and returned verbatim', () => {
    const STORED: Record<string, string> = {
      sqlDrop: STRINGS.sqlDrop!,
      html: STRINGS.html!,
      emojiAndRtl: `${STRINGS.emoji} ${STRINGS.rtlOverride}`,
      chineseAndQuotes: `客户"取消"订单 ${STRINGS.sqlOr} ${STRINGS.likeWildcards}`,
      nul: STRINGS.nul!,
    };
    let pool: string[] = [];
    beforeAll(async () => {
      pool = (
        await server.sql<{ number: string }>(
          `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
           and not exists (select 1 from termination t where t.order_id = o.id) order by o.number desc limit 10`,
        )
      ).map((r) => r.number);
    });

    it.each(Object.entries(STORED))('explanation %s', async (_label, text) => {
      casesRun++;
      const before = await businessChecksums(server);
      const [{ n: countBefore }] = await server.sql<{ n: string }>(`select count(*) as n from termination`);
      const raw = await read(
        await gqlRequest(
          'clerk',
          `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { ${RESULT} ... on SubmitTerminationSuccess { termination { id explanation } } } }`,
          () => ({
            i: { orderNumber: pool.shift(), reasonCode: 'CUSTOMER_CANCELLATION', explanation: text },
          }),
        )(),
      );
      const context = `${raw.status} ${raw.text.slice(0, 500)}`;
      expect(raw.status, context).toBeLessThan(500);
      expect(
        (raw.json?.errors ?? []).map((e) => e.extensions?.code),
        context,
      ).not.toContain('INTERNAL_SERVER_ERROR');
      const result = raw.json?.data?.submitTermination as
        { __typename: string; termination?: { id: string; explanation: string } } | undefined;
      // The table is still there: nothing of the text ran as SQL.
      const [{ n: countAfter }] = await server.sql<{ n: string }>(`select count(*) as n from termination`);
      if (result?.__typename === 'SubmitTerminationSuccess') {
        expect(Number(countAfter)).toBe(Number(countBefore) + 1);
        expect(result.termination!.explanation).toBe(text);
        const [stored] = await server.sql<{ explanation: string }>(`select explanation from termination where id = $1`, [
          result.termination!.id,
        ]);
        expect(stored!.explanation).toBe(text);
        const read2 = await server.gql<{ termination: { explanation: string } }>(
          `query($id: ID) { termination(id: $id) { explanation } }`,
          { id: result.termination!.id },
          fx.tokens.get('auditor'),
        );
        expect(read2.data?.termination.explanation).toBe(text);
        // Only what a submission touches changed.
        const allowed = ['termination', 'termination_line', 'approval_step', 'sales_order', 'notification'];
        expect(changedTables(before, await businessChecksums(server)).filter((t) => !allowed.includes(t))).toEqual([]);
      } else {
        // Refusing the text is fine too, as long as it is a clear refusal that stored nothing.
        expect(Number(countAfter), context).toBe(Number(countBefore));
        expect(changedTables(before, await businessChecksums(server)), context).toEqual([]);
      }
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    });
  });
});
