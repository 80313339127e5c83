import fs from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessChecksums, changedTables } from '../harness/checksum.js';
import { liveClient, type LiveClient } from '../harness/live.js';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';
import type { GqlResponse } from '../harness/server.js';
import { HEAD_OF, Workflow } from '../harness/workflow.js';

/*
 * Every root field × every kind of caller, declared here independently of the server's own
 * role table (packages/shared/src/roles.ts), so that a change there that opens or closes an
 * operation shows up as a failing cell. A refused call must also leave the business tables
 * exactly as they were.
 */

const DEPARTMENTS = ['SALES', 'PURCHASING', 'WAREHOUSE', 'FINANCE', 'MANAGEMENT'] as const;
type Department = (typeof DEPARTMENTS)[number];
const SCOPES = [
  'ORDERS_READ',
  'TERMINATIONS_READ',
  'TERMINATIONS_WRITE',
  'EVENTS_SUBSCRIBE',
  'FOLLOW_UPS_WRITE',
  'WEBHOOKS_MANAGE',
  'ERP_SYNC',
] as const;
/** Keys with FOLLOW_UPS_WRITE act for this department (not SALES, where the fixture's task waits). */
const KEY_DEPARTMENT = 'WAREHOUSE';
type Scope = (typeof SCOPES)[number];

type UserActor = 'admin' | 'clerk' | 'auditor' | `head:${Department}`;
type KeyActor = `key:${Scope}` | 'key:ALL';
type ActorId = 'anonymous' | UserActor | KeyActor;

const HEADS = DEPARTMENTS.map((d) => `head:${d}` as const);
const KEYS: KeyActor[] = [...SCOPES.map((s) => `key:${s}` as const), 'key:ALL'];
const USERS: UserActor[] = ['admin', 'clerk', ...HEADS, 'auditor'];
/**
 * The order cells run in within a row: least privileged first, so that callers that must be
 * refused meet the target row untouched, before an allowed caller changes it.
 */
const ACTORS: ActorId[] = ['anonymous', ...KEYS, 'auditor', ...HEADS, 'clerk', 'admin'];
const SIGNED_IN: ActorId[] = [...USERS, ...KEYS];
const EVERYONE: ActorId[] = ['anonymous', ...SIGNED_IN];
/** Heads of every department but SALES, the clerk's department, where the fixture's steps and tasks wait. */
const HEADS_BUT_SALES = HEADS.filter((h) => h !== 'head:SALES');
/** Users and keys that may read terminations. */
const TERMINATION_READERS: ActorId[] = [...USERS, 'key:TERMINATIONS_READ', 'key:ALL'];
/** Admins manage every webhook endpoint; keys with WEBHOOKS_MANAGE their own (others' are NOT_FOUND to them). */
const WEBHOOK_MANAGERS: ActorId[] = ['admin', 'key:WEBHOOKS_MANAGE', 'key:ALL'];

const EMAIL: Record<UserActor, string> = {
  admin: 'admin@example.com',
  clerk: 'clerk@example.com',
  auditor: 'auditor@example.com',
  ...(Object.fromEntries(DEPARTMENTS.map((d) => [`head:${d}`, HEAD_OF[d]!])) as Record<`head:${Department}`, string>),
};

type Kind = 'query' | 'mutation' | 'subscription';
type Expected = 'allow' | 'FORBIDDEN' | 'UNAUTHENTICATED' | { refused: string };

interface Row {
  kind: Kind;
  /** One root field; its result is what the cell inspects. */
  document: string;
  allow: readonly ActorId[];
  /** Callers that pass the permission check but meet a typed business refusal. */
  refuse?: Partial<Record<ActorId, string>>;
  variables?: (actor: ActorId) => Record<string, unknown>;
  /** A bearer other than the actor's usual one (e.g. a session of its own for logout). */
  bearer?: (actor: ActorId) => Promise<string | undefined>;
}

/** Ids and tokens created in beforeAll, so that every operation hits real rows. */
interface Fixture {
  terminationId: string;
  terminationNumber: string;
  salesStepId: string;
  withdrawByClerk: string;
  withdrawByAdmin: string;
  awaitingId: string;
  viewToken: string;
  respondToken: string;
  salesTaskId: string;
  /** The effective termination's other open SALES task: the one assignFollowUpTask's row assigns. */
  salesAssignTaskId: string;
  clerkId: string;
  /** A deputyship of the sales head's (the clerk, from tomorrow): clearApprovalDeputy's target. */
  deputyshipId: string;
  /** Pending SALES steps a deputy tries at the boundaries of their period (see "deputies" below). */
  deputySteps: string[];
  clerkNotificationId: string;
  rule: { id: string; input: Record<string, unknown> };
  reason: { id: string; input: Record<string, unknown> };
  throwawayKeyId: string;
  throwawayRateId: string;
  throwawaySsoMappingId: string;
  throwawayUserId: string;
  /** Webhook endpoints of the admin's: one to edit, one to delete. */
  webhookEndpointId: string;
  throwawayWebhookEndpointId: string;
  /** One untouched order per caller for submitTermination, refused callers included. */
  submitOrders: Map<ActorId, string>;
}

/** Midnight UTC `days` days from now: a deputy period that has not started yet. */
function tomorrow(days: number): Date {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() + days * 86_400_000);
}

/** The same typed refusal for each of these callers. */
function refusing(code: string, actors: readonly ActorId[]): Partial<Record<ActorId, string>> {
  return Object.fromEntries(actors.map((a) => [a, code]));
}

const RESULT = `__typename ... on ErrorResult { code message }`;
let fx: Fixture;

const ROWS: Record<string, Row> = {
  // ---- queries
  approvalRules: { kind: 'query', document: `{ approvalRules { id code } }`, allow: TERMINATION_READERS },
  previewApprovalRule: {
    kind: 'query',
    document: `query($i: ApprovalRulePreviewInput!) { previewApprovalRule(input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ i: { department: 'FINANCE', stage: 2, condition: { fact: 'amountPaid', op: 'gt', value: 0 } } }),
  },
  exchangeRates: { kind: 'query', document: `{ exchangeRates { baseCurrency rates { id } } }`, allow: TERMINATION_READERS },
  approvalBoard: {
    kind: 'query',
    document: `{ approvalBoard(department: "SALES") { department pending { id } } }`,
    // A board is for its own department; the clerk works in SALES.
    allow: ['admin', 'clerk', 'head:SALES', 'auditor', 'key:TERMINATIONS_READ', 'key:ALL'],
  },
  approvalBoardCards: {
    kind: 'query',
    document: `{ approvalBoardCards(department: "SALES", first: 5) { totalCount edges { node { id } } } }`,
    // The same readers as the board it pages.
    allow: ['admin', 'clerk', 'head:SALES', 'auditor', 'key:TERMINATIONS_READ', 'key:ALL'],
  },
  customerConfirmation: {
    kind: 'query',
    document: `query($t: String!) { customerConfirmation(token: $t) { ${RESULT} ... on CustomerConfirmationView { terminationNumber } } }`,
    allow: EVERYONE,
    variables: () => ({ t: fx.viewToken }),
  },
  followUpTasks: { kind: 'query', document: `{ followUpTasks(first: 5) { totalCount } }`, allow: TERMINATION_READERS },
  myFollowUpTasks: { kind: 'query', document: `{ myFollowUpTasks { id } }`, allow: TERMINATION_READERS },
  approvalDeputies: { kind: 'query', document: `{ approvalDeputies { id } }`, allow: TERMINATION_READERS },
  deputyCandidates: { kind: 'query', document: `{ deputyCandidates { id name } }`, allow: ['admin', ...HEADS] },
  notifications: { kind: 'query', document: `{ notifications(first: 5) { totalCount } }`, allow: SIGNED_IN },
  events: {
    kind: 'query',
    document: `{ events(first: 1) { pageInfo { hasNextPage } } }`,
    allow: [...USERS, 'key:EVENTS_SUBSCRIBE', 'key:ALL'],
  },
  myNotificationPreferences: { kind: 'query', document: `{ myNotificationPreferences { mailKinds } }`, allow: USERS },
  mailbox: { kind: 'query', document: `{ mailbox(first: 1) { totalCount } }`, allow: ['admin'] },
  holidayCalendar: { kind: 'query', document: `{ holidayCalendar(year: 2026) { date kind } }`, allow: TERMINATION_READERS },
  terminationReasons: { kind: 'query', document: `{ terminationReasons { code } }`, allow: SIGNED_IN },
  terminationImpact: {
    kind: 'query',
    document: `query($i: TerminationImpactInput!) { terminationImpact(input: $i) { ${RESULT} ... on TerminationImpact { scope } } }`,
    allow: TERMINATION_READERS,
    variables: () => ({ i: { orderNumber: 'SO-2026-00006', reasonCode: 'CUSTOMER_CHANGE' } }),
  },
  terminations: { kind: 'query', document: `{ terminations(first: 5) { totalCount } }`, allow: TERMINATION_READERS },
  termination: {
    kind: 'query',
    document: `query($id: ID) { termination(id: $id) { id number } }`,
    allow: TERMINATION_READERS,
    variables: () => ({ id: fx.terminationId }),
  },
  apiKeys: { kind: 'query', document: `{ apiKeys { id prefix } }`, allow: ['admin'] },
  users: { kind: 'query', document: `{ users { id email } }`, allow: ['admin'] },
  terminationStats: { kind: 'query', document: `{ terminationStats { total } }`, allow: TERMINATION_READERS },
  terminationDossier: {
    kind: 'query',
    document: `query($n: String!) { terminationDossier(number: $n) }`,
    allow: TERMINATION_READERS,
    variables: () => ({ n: fx.terminationNumber }),
  },
  me: { kind: 'query', document: `{ me { email } }`, allow: SIGNED_IN },
  discontinuationImpact: {
    kind: 'query',
    document: `{ discontinuationImpact(productSku: "P-10901") { orderCount } }`,
    allow: TERMINATION_READERS,
  },
  bulkTerminationRuns: { kind: 'query', document: `{ bulkTerminationRuns { id } }`, allow: TERMINATION_READERS },
  bulkTerminationRun: {
    kind: 'query',
    document: `{ bulkTerminationRun(id: "00000000-0000-4000-8000-000000000000") { id } }`,
    allow: TERMINATION_READERS,
  },
  terminateDiscontinuedProduct: {
    kind: 'mutation',
    // An unknown product: allowed callers meet NOT_FOUND, so the matrix discontinues nothing.
    document: `mutation { terminateDiscontinuedProduct(input: { productSku: "P-NONE", reasonCode: "PRODUCT_DISCONTINUED", explanation: "matrix" }) { ${RESULT} } }`,
    allow: ['admin', 'head:SALES'],
    refuse: refusing('FORBIDDEN_ACTION', ['clerk', ...HEADS_BUT_SALES, 'key:TERMINATIONS_WRITE', 'key:ALL']),
  },
  decideApprovals: {
    kind: 'mutation',
    // Per-step results: an unknown step is a typed NOT_FOUND inside, the call itself is allowed.
    document: `mutation { decideApprovals(input: { stepIds: ["00000000-0000-4000-8000-000000000000"], decision: APPROVE }) { stepId } }`,
    allow: ['admin', ...HEADS],
  },
  bulkTerminationRunChanged: {
    kind: 'subscription',
    document: `subscription { bulkTerminationRunChanged(id: "00000000-0000-4000-8000-000000000000") { runId } }`,
    allow: [...USERS, 'key:EVENTS_SUBSCRIBE', 'key:ALL'],
  },
  orders: { kind: 'query', document: `{ orders(first: 5) { totalCount } }`, allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'] },
  // ERP sync partner reads: order readers.
  customers: { kind: 'query', document: `{ customers(first: 1) { totalCount } }`, allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'] },
  suppliers: { kind: 'query', document: `{ suppliers(first: 1) { totalCount } }`, allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'] },
  products: { kind: 'query', document: `{ products(first: 1) { totalCount } }`, allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'] },
  purchaseOrders: {
    kind: 'query',
    document: `{ purchaseOrders(first: 1) { totalCount } }`,
    allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'],
  },
  stockLevels: { kind: 'query', document: `{ stockLevels(first: 1) { totalCount } }`, allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'] },
  // The sync overview: administrators only (not the keys that sync).
  syncSources: { kind: 'query', document: `{ syncSources { source calls } }`, allow: ['admin'] },
  syncRecords: {
    kind: 'mutation',
    // No records: allowed callers get an empty success, so the matrix writes nothing.
    document: `mutation($i: SyncRecordsInput!) { syncRecords(input: $i) { ${RESULT} ... on SyncRecordsSuccess { applied rows { outcome } } } }`,
    allow: ['admin', 'key:ERP_SYNC', 'key:ALL'],
    variables: () => ({ i: { source: 'MATRIX', customers: [] } }),
  },
  // Spreadsheet imports (uploads themselves: POST /imports, see spreadsheet-import.spec).
  importRuns: { kind: 'query', document: `{ importRuns { id } }`, allow: ['admin', 'key:ERP_SYNC', 'key:ALL'] },
  importRun: {
    kind: 'query',
    document: `{ importRun(id: "00000000-0000-4000-8000-000000000000") { id } }`,
    allow: ['admin', 'key:ERP_SYNC', 'key:ALL'],
  },
  importRunChanged: {
    kind: 'subscription',
    document: `subscription { importRunChanged(id: "00000000-0000-4000-8000-000000000000") { id status } }`,
    allow: ['admin', 'key:ERP_SYNC', 'key:ALL'],
  },
  startImport: {
    kind: 'mutation',
    // An unknown run: allowed callers meet NOT_FOUND, so the matrix imports nothing.
    document: `mutation { startImport(input: { id: "00000000-0000-4000-8000-000000000000" }) { ${RESULT} } }`,
    allow: ['admin', 'key:ERP_SYNC', 'key:ALL'],
  },
  order: {
    kind: 'query',
    document: `query($n: String!) { order(number: $n) { number } }`,
    allow: [...USERS, 'key:ORDERS_READ', 'key:ALL'],
    variables: () => ({ n: 'SO-2026-00001' }),
  },

  // ---- mutations
  setCalendarDays: {
    kind: 'mutation',
    document: `mutation($d: [CalendarDayInput!]!) { setCalendarDays(days: $d) { ${RESULT} } }`,
    allow: ['admin'],
    // A date far beyond any reply deadline of the matrix's own terminations.
    variables: () => ({ d: [{ date: '2031-03-03', kind: 'HOLIDAY', name: 'matrix test' }] }),
  },
  removeCalendarDay: {
    kind: 'mutation',
    document: `mutation($d: String!) { removeCalendarDay(date: $d) { ${RESULT} } }`,
    allow: ['admin'],
    // Not marked: the admin meets NOT_FOUND, everyone else a refusal before any lookup.
    variables: () => ({ d: '2031-03-04' }),
  },
  createApprovalRule: {
    kind: 'mutation',
    document: `mutation($i: ApprovalRuleInput!) { createApprovalRule(input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    // Inactive, so that the rule cannot change any later route.
    variables: () => ({
      i: {
        code: 'MATRIX_RULE',
        department: 'FINANCE',
        stage: 3,
        condition: { always: true },
        slaHours: 24,
        descriptionZh: '矩阵测试',
        descriptionEn: 'matrix test',
        active: false,
      },
    }),
  },
  updateApprovalRule: {
    kind: 'mutation',
    document: `mutation($id: ID!, $i: ApprovalRuleInput!) { updateApprovalRule(id: $id, input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    // The rule's own values: allowed callers change nothing that matters, refused ones nothing at all.
    variables: () => ({ id: fx.rule.id, i: { ...fx.rule.input, descriptionEn: 'matrix was here' } }),
  },
  setExchangeRate: {
    kind: 'mutation',
    document: `mutation($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    // A currency no order uses, so that an allowed call changes no route or figure of the matrix.
    variables: () => ({ i: { currency: 'CHF', rate: '8.1', validFrom: '2026-06-01' } }),
  },
  deleteExchangeRate: {
    kind: 'mutation',
    document: `mutation($id: ID!) { deleteExchangeRate(id: $id) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ id: fx.throwawayRateId }),
  },
  decideApproval: {
    kind: 'mutation',
    document: `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { ${RESULT} } }`,
    allow: ['admin', 'head:SALES'],
    // A clerk may be a head's deputy, so the clerk reaches the per-step check (no deputyship here).
    refuse: refusing('NOT_YOUR_DEPARTMENT', [...HEADS_BUT_SALES, 'clerk']),
    variables: () => ({ i: { stepId: fx.salesStepId, decision: 'APPROVE', comment: 'matrix' } }),
  },
  setApprovalDeputy: {
    kind: 'mutation',
    document: `mutation($i: SetApprovalDeputyInput!) { setApprovalDeputy(input: $i) { ${RESULT} } }`,
    // Each head names the clerk for a period that starts tomorrow, so no step of the matrix changes hands.
    allow: HEADS,
    refuse: refusing('FORBIDDEN_ACTION', ['admin']),
    variables: () => ({ i: { deputyUserId: fx.clerkId, from: tomorrow(1).toISOString(), to: tomorrow(2).toISOString() } }),
  },
  clearApprovalDeputy: {
    kind: 'mutation',
    document: `mutation($id: ID!) { clearApprovalDeputy(id: $id) { ${RESULT} } }`,
    allow: ['admin', 'head:SALES'],
    refuse: refusing('FORBIDDEN_ACTION', HEADS_BUT_SALES),
    variables: () => ({ id: fx.deputyshipId }),
  },
  assignFollowUpTask: {
    kind: 'mutation',
    document: `mutation($i: AssignFollowUpTaskInput!) { assignFollowUpTask(input: $i) { ${RESULT} } }`,
    // The clerk owns it: given by the head, kept by the clerk (taking one's own again is allowed).
    allow: ['admin', 'clerk', 'head:SALES'],
    refuse: refusing('NOT_YOUR_DEPARTMENT', HEADS_BUT_SALES),
    variables: () => ({ i: { taskId: fx.salesAssignTaskId, userId: fx.clerkId } }),
  },
  respondToTermination: {
    kind: 'mutation',
    document: `mutation($i: RespondToTerminationInput!) { respondToTermination(input: $i) { ${RESULT} } }`,
    allow: EVERYONE,
    // The first caller (anonymous: the customer) answers; later ones learn the link was used.
    variables: () => ({ i: { token: fx.respondToken, accept: false, note: 'matrix: declined' } }),
  },
  resendCustomerConfirmation: {
    kind: 'mutation',
    document: `mutation($id: ID!) { resendCustomerConfirmation(terminationId: $id) { ${RESULT} } }`,
    // terminations:write; TERMINATIONS_WRITE on a key grants submitting only. Only the requester,
    // sales, customer service and admins write to the customer.
    allow: ['admin', 'clerk', 'head:SALES'],
    refuse: refusing('FORBIDDEN_ACTION', HEADS_BUT_SALES),
    variables: () => ({ id: fx.awaitingId }),
  },
  completeFollowUpTask: {
    kind: 'mutation',
    document: `mutation($i: CompleteFollowUpTaskInput!) { completeFollowUpTask(input: $i) { ${RESULT} } }`,
    allow: ['admin', 'clerk', 'head:SALES'],
    // A key with FOLLOW_UPS_WRITE passes the permission check but acts for its own department only.
    refuse: refusing('NOT_YOUR_DEPARTMENT', [...HEADS_BUT_SALES, 'key:FOLLOW_UPS_WRITE', 'key:ALL']),
    variables: () => ({ i: { taskId: fx.salesTaskId, note: 'matrix: recorded', outcome: 'REFUND' } }),
  },
  updateNotificationPreferences: {
    kind: 'mutation',
    document: `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { ${RESULT} } }`,
    // A user's own choice of mail: API keys have no mailbox.
    allow: USERS,
    variables: () => ({ i: { mailKinds: [] } }),
  },
  markNotificationsRead: {
    kind: 'mutation',
    document: `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`,
    allow: SIGNED_IN,
    variables: () => ({ ids: [fx.clerkNotificationId] }),
  },
  createTerminationReason: {
    kind: 'mutation',
    document: `mutation($i: TerminationReasonInput!) { createTerminationReason(input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({
      i: {
        code: 'MATRIX_REASON',
        labelZh: '矩阵',
        labelEn: 'Matrix',
        category: 'OTHER',
        fault: 'NONE',
        customerConfirmationDefault: false,
        active: false,
      },
    }),
  },
  updateTerminationReason: {
    kind: 'mutation',
    document: `mutation($id: ID!, $i: TerminationReasonInput!) { updateTerminationReason(id: $id, input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ id: fx.reason.id, i: { ...fx.reason.input, labelEn: 'Matrix renamed' } }),
  },
  submitTermination: {
    kind: 'mutation',
    document: `mutation($i: SubmitTerminationInput!) { submitTermination(input: $i) { ${RESULT} } }`,
    // Heads may raise terminations too (e.g. purchasing when supply fails).
    allow: ['admin', 'clerk', ...HEADS, 'key:TERMINATIONS_WRITE', 'key:ALL'],
    variables: (actor) => ({
      i: { orderNumber: fx.submitOrders.get(actor), reasonCode: 'CUSTOMER_CANCELLATION', explanation: `matrix: ${actor}` },
    }),
  },
  withdrawTermination: {
    kind: 'mutation',
    document: `mutation($i: WithdrawTerminationInput!) { withdrawTermination(input: $i) { ${RESULT} } }`,
    allow: ['admin', 'clerk'],
    refuse: refusing('FORBIDDEN_ACTION', HEADS),
    variables: (actor) => ({
      i: { terminationId: actor === 'admin' ? fx.withdrawByAdmin : fx.withdrawByClerk, reason: `matrix: ${actor}` },
    }),
  },
  adjustCancellationFee: {
    kind: 'mutation',
    document: `mutation($i: AdjustCancellationFeeInput!) { adjustCancellationFee(input: $i) { ${RESULT} } }`,
    // Money decisions are the head of finance's alone; admins configure, they do not settle.
    allow: ['head:FINANCE'],
    refuse: refusing('FORBIDDEN_ACTION', ['admin', ...HEADS.filter((h) => h !== 'head:FINANCE')]),
    variables: () => ({ i: { terminationId: fx.terminationId, amount: '0', reason: 'matrix: fee waived' } }),
  },
  retryTerminationEffect: {
    kind: 'mutation',
    document: `mutation($id: ID!) { retryTerminationEffect(terminationId: $id) { ${RESULT} } }`,
    // The requester (the clerk here), the head of sales and admins.
    allow: ['admin', 'clerk', 'head:SALES'],
    refuse: refusing('FORBIDDEN_ACTION', HEADS_BUT_SALES),
    variables: () => ({ id: fx.terminationId }),
  },
  createApiKey: {
    kind: 'mutation',
    document: `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ${RESULT} ... on CreateApiKeySuccess { apiKey { id } } } }`,
    allow: ['admin'],
    variables: () => ({ i: { name: 'matrix key', scopes: ['ORDERS_READ'] } }),
  },
  revokeApiKey: {
    kind: 'mutation',
    document: `mutation($id: ID!) { revokeApiKey(id: $id) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ id: fx.throwawayKeyId }),
  },
  createUser: {
    kind: 'mutation',
    document: `mutation($i: UserInput!) { createUser(input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ i: { email: 'matrix.created@example.com', name: 'Matrix', role: 'AUDITOR', password: 'Matrix-Passw0rd-1' } }),
  },
  updateUser: {
    kind: 'mutation',
    document: `mutation($id: ID!, $i: UserInput!) { updateUser(id: $id, input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    // A user of its own: an allowed call renames it; a refused one must not, nor make it an admin.
    variables: () => ({ id: fx.throwawayUserId, i: { name: 'Matrix renamed', role: 'ADMIN' } }),
  },
  signInOptions: {
    kind: 'query',
    document: `{ signInOptions { passwordSignIn demoPassword demoAccounts { email } } }`,
    // Public, like login: the sign-in page asks before anyone has signed in.
    allow: EVERYONE,
  },
  login: {
    kind: 'mutation',
    document: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${RESULT} } }`,
    allow: EVERYONE,
    variables: () => ({ e: 'auditor@example.com', p: 'demo1234' }),
  },
  logout: {
    kind: 'mutation',
    document: `mutation { logout }`,
    allow: SIGNED_IN,
    // A session of its own, so that the actor's usual token keeps working for later rows.
    bearer: async (actor) => (isUser(actor) ? server.login(EMAIL[actor]) : bearerOf(actor)),
  },
  changePassword: {
    kind: 'mutation',
    document: `mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) { ${RESULT} } }`,
    allow: USERS,
    // Keys have no password.
    refuse: refusing('FORBIDDEN_ACTION', KEYS),
    // A wrong old password: allowed callers get a typed refusal and keep their password.
    variables: () => ({ o: 'not-my-password-1', n: 'Matrix-Passw0rd-2' }),
  },
  // ---- single sign-on (the matrix's server has no identity provider: codes are always unknown)
  completeSsoSignIn: {
    kind: 'mutation',
    document: `mutation($c: String!) { completeSsoSignIn(code: $c) { ${RESULT} } }`,
    // Public, like login: the SPA trades the code before anyone is signed in.
    allow: EVERYONE,
    variables: () => ({ c: 'matrix-not-a-code' }),
  },
  ssoClaimMappings: { kind: 'query', document: `{ ssoClaimMappings { id value } }`, allow: ['admin'] },
  setSsoClaimMapping: {
    kind: 'mutation',
    document: `mutation($i: SsoClaimMappingInput!) { setSsoClaimMapping(input: $i) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ i: { claim: 'ROLE', value: 'matrix-role', role: 'AUDITOR' } }),
  },
  deleteSsoClaimMapping: {
    kind: 'mutation',
    document: `mutation($id: ID!) { deleteSsoClaimMapping(id: $id) { ${RESULT} } }`,
    allow: ['admin'],
    variables: () => ({ id: fx.throwawaySsoMappingId }),
  },

  // ---- subscriptions (graphql-ws)
  terminationChanged: {
    kind: 'subscription',
    document: `subscription { terminationChanged { kind } }`,
    // Keys need the events:subscribe scope.
    allow: [...USERS, 'key:EVENTS_SUBSCRIBE', 'key:ALL'],
  },
  approvalBoardChanged: {
    kind: 'subscription',
    document: `subscription { approvalBoardChanged(department: "SALES") { kind } }`,
    allow: ['admin', 'clerk', 'head:SALES', 'auditor', 'key:EVENTS_SUBSCRIBE', 'key:ALL'],
  },
  followUpTaskChanged: {
    kind: 'subscription',
    document: `subscription { followUpTaskChanged { kind } }`,
    allow: [...USERS, 'key:EVENTS_SUBSCRIBE', 'key:ALL'],
  },
  notificationAdded: { kind: 'subscription', document: `subscription { notificationAdded { kind } }`, allow: USERS },
  // The event feed: every staff role reads it (filtered by what it may see); keys need events:subscribe.
  event: { kind: 'subscription', document: `subscription { event { sequence } }`, allow: [...USERS, 'key:EVENTS_SUBSCRIBE', 'key:ALL'] },

  // ---- comments (issue #17): readers of terminations read threads; staff who work on them write (not auditors, not keys)
  commentMentionCandidates: {
    kind: 'query',
    document: `{ commentMentionCandidates { users { id } departments { code } } }`,
    allow: TERMINATION_READERS,
  },
  addTerminationComment: {
    kind: 'mutation',
    document: `mutation($i: AddTerminationCommentInput!) { addTerminationComment(input: $i) { ${RESULT} } }`,
    allow: ['admin', 'clerk', ...HEADS],
    refuse: refusing('FORBIDDEN_ACTION', ['auditor', 'key:TERMINATIONS_READ', 'key:ALL']),
    variables: (actor) => ({ i: { terminationId: fx.terminationId, body: `matrix: ${actor}` } }),
  },
  editTerminationComment: {
    kind: 'mutation',
    // An unknown comment: allowed callers meet NOT_FOUND, so the matrix edits nothing.
    document: `mutation { editTerminationComment(input: { commentId: "00000000-0000-4000-8000-000000000000", body: "matrix" }) { ${RESULT} } }`,
    allow: ['admin', 'clerk', ...HEADS],
    refuse: refusing('FORBIDDEN_ACTION', ['auditor', 'key:TERMINATIONS_READ', 'key:ALL']),
  },
  terminationCommentAdded: {
    kind: 'subscription',
    document: `subscription($id: ID!) { terminationCommentAdded(terminationId: $id) { commentId } }`,
    // Reading terminations and, for keys, following live events.
    allow: [...USERS, 'key:ALL'],
    variables: () => ({ id: fx.terminationId }),
  },

  // ---- webhooks (the fixture's endpoints are the admin's: keys meet NOT_FOUND)
  webhookEndpoints: { kind: 'query', document: `{ webhookEndpoints { id } }`, allow: WEBHOOK_MANAGERS },
  webhookDeliveries: {
    kind: 'query',
    document: `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 5) { totalCount } }`,
    allow: WEBHOOK_MANAGERS,
    variables: () => ({ id: fx.webhookEndpointId }),
  },
  createWebhookEndpoint: {
    kind: 'mutation',
    // No event type: allowed callers meet a typed InputError, so the matrix creates nothing.
    document: `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ${RESULT} } }`,
    allow: WEBHOOK_MANAGERS,
    variables: () => ({ i: { url: 'https://93.184.216.34/matrix', eventTypes: [] } }),
  },
  updateWebhookEndpoint: {
    kind: 'mutation',
    document: `mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { ${RESULT} } }`,
    allow: WEBHOOK_MANAGERS,
    variables: () => ({ i: { id: fx.webhookEndpointId, description: 'matrix: edited' } }),
  },
  deleteWebhookEndpoint: {
    kind: 'mutation',
    document: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { ${RESULT} } }`,
    allow: WEBHOOK_MANAGERS,
    variables: () => ({ id: fx.throwawayWebhookEndpointId }),
  },
  rotateWebhookSecret: {
    kind: 'mutation',
    document: `mutation($id: ID!) { rotateWebhookSecret(id: $id) { ${RESULT} } }`,
    allow: WEBHOOK_MANAGERS,
    variables: () => ({ id: fx.webhookEndpointId }),
  },
  sendTestWebhook: {
    kind: 'mutation',
    document: `mutation($id: ID!) { sendTestWebhook(endpointId: $id) { ${RESULT} } }`,
    allow: WEBHOOK_MANAGERS,
    variables: () => ({ id: fx.webhookEndpointId }),
  },
  redeliverWebhook: {
    kind: 'mutation',
    // An unknown delivery: allowed callers meet NOT_FOUND.
    document: `mutation { redeliverWebhook(deliveryId: "00000000-0000-4000-8000-000000000000") { ${RESULT} } }`,
    allow: WEBHOOK_MANAGERS,
  },
};

function isUser(actor: ActorId): actor is UserActor {
  return actor !== 'anonymous' && !actor.startsWith('key:');
}

function expected(row: Row, actor: ActorId): Expected {
  const refusal = row.refuse?.[actor];
  if (refusal) return { refused: refusal };
  if (row.allow.includes(actor)) return 'allow';
  return actor === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

function describeExpected(e: Expected): string {
  return typeof e === 'string' ? e : `typed ${e.refused}`;
}

/** The production process sends mail through SMTP (its dev mailbox is off). */
let sendsThroughSmtp = false;
/** The server of the mode running now (see describe.each(MODES) below). */
let server: ApiServer;
let wf: Workflow;
const keySecrets = new Map<KeyActor, string>();
const liveClients = new Map<ActorId, LiveClient>();
const tally = { cells: 0, fields: 0 };

async function bearerOf(actor: ActorId): Promise<string | undefined> {
  if (actor === 'anonymous') return undefined;
  if (isUser(actor)) return wf.token(EMAIL[actor]);
  return keySecrets.get(actor);
}

async function createKey(name: string, scopes: readonly Scope[]): Promise<{ id: string; secret: string }> {
  const data = await wf.as<{ createApiKey: { __typename: string; secret: string; apiKey: { id: string } } }>(
    EMAIL.admin,
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { __typename ... on CreateApiKeySuccess { secret apiKey { id } } } }`,
    { i: { name, scopes, department: scopes.includes('FOLLOW_UPS_WRITE') ? KEY_DEPARTMENT : null } },
  );
  expect(data.createApiKey.__typename).toBe('CreateApiKeySuccess');
  return { id: data.createApiKey.apiKey.id, secret: data.createApiKey.secret };
}

/** A public IP literal: saved without DNS (the sandbox has none) and never called (no worker runs). */
async function createWebhookEndpoint(description: string): Promise<string> {
  const data = await wf.as<{ createWebhookEndpoint: { __typename: string; endpoint: { id: string } } }>(
    EMAIL.admin,
    `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { __typename ... on CreateWebhookEndpointSuccess { endpoint { id } } } }`,
    { i: { url: 'https://93.184.216.34/matrix', eventTypes: ['TERMINATION_EFFECTIVE'], description } },
  );
  expect(data.createWebhookEndpoint.__typename).toBe('CreateWebhookEndpointSuccess');
  return data.createWebhookEndpoint.endpoint.id;
}

async function createThrowawayUser(): Promise<string> {
  const data = await wf.as<{ createUser: { __typename: string; id: string } }>(
    EMAIL.admin,
    `mutation($i: UserInput!) { createUser(input: $i) { __typename ... on User { id } } }`,
    { i: { email: 'matrix.throwaway@example.com', name: 'Matrix throwaway', role: 'AUDITOR', password: 'Matrix-Passw0rd-1' } },
  );
  expect(data.createUser.__typename).toBe('User');
  return data.createUser.id;
}

async function awaitingCustomer(orderNumber: string): Promise<{ id: string; token: string }> {
  const done = await wf.submitApproved(EMAIL.clerk, {
    orderNumber,
    reasonCode: 'CUSTOMER_CANCELLATION',
    explanation: 'matrix: needs the customer',
    customerConfirmationRequired: true,
  });
  expect(done.status).toBe('AWAITING_CUSTOMER');
  // Read right away: the newest confirmation mail to this customer is this one.
  return { id: done.id, token: await wf.confirmationToken(done.customerConfirmation!.recipient) };
}

async function prepareFixture(): Promise<Fixture> {
  const pool = (
    await server.sql<{ number: string }>(
      `select o.number from sales_order o where o.status = 'CONFIRMED' and o.number not like 'SO-2026-0000%'
         and exists (select 1 from sales_order_line l where l.order_id = o.id and l.quantity > l.shipped_quantity + l.terminated_quantity)
       order by o.number`,
    )
  ).map((r) => r.number);
  const take = (): string => {
    const next = pool.shift();
    if (!next) throw new Error('ran out of demo orders');
    return next;
  };
  const submitByClerk = async (
    explanation: string,
  ): Promise<{ id: string; steps: { id: string; department: string; status: string }[] }> => {
    const r = await wf.submit(EMAIL.clerk, { orderNumber: take(), reasonCode: 'CUSTOMER_CANCELLATION', explanation });
    expect(r.__typename, JSON.stringify(r)).toBe('SubmitTerminationSuccess');
    return { id: r.termination!.id, steps: r.termination!.approvalSteps };
  };

  const main = await submitByClerk('matrix: main target');
  const [mainRow] = await server.sql<{ number: string }>(`select number from termination where id = $1`, [main.id]);
  const decide = await submitByClerk('matrix: decided by SALES');
  const salesStep = decide.steps.find((s) => s.department === 'SALES' && s.status === 'PENDING');
  if (!salesStep) throw new Error(`no pending SALES step: ${JSON.stringify(decide.steps)}`);
  const withdrawByClerk = (await submitByClerk('matrix: withdrawn by the clerk')).id;
  const withdrawByAdmin = (await submitByClerk('matrix: withdrawn by an admin')).id;
  const viewed = await awaitingCustomer(take());
  const responded = await awaitingCustomer(take());

  const done = await wf.effectiveDuplicateOrder('matrix: effective');
  const salesTask = done.followUpTasks.find((t) => t.department === 'SALES' && t.status === 'OPEN');
  if (!salesTask) throw new Error(`no open SALES task: ${JSON.stringify(done.followUpTasks)}`);
  const assignTask = done.followUpTasks.find((t) => t.department === 'SALES' && t.status === 'OPEN' && t.id !== salesTask.id);
  if (!assignTask) throw new Error(`no second open SALES task: ${JSON.stringify(done.followUpTasks)}`);
  const [clerk] = await server.sql<{ id: string }>(`select id from app_user where email = $1`, [EMAIL.clerk]);
  const deputySteps: string[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await submitByClerk(`matrix: a deputy at the period's boundaries ${i}`);
    deputySteps.push(t.steps.find((s) => s.department === 'SALES' && s.status === 'PENDING')!.id);
  }
  const named = await wf.as<{ setApprovalDeputy: { __typename: string; deputy: { id: string } } }>(
    EMAIL['head:SALES'],
    `mutation($i: SetApprovalDeputyInput!) { setApprovalDeputy(input: $i) { __typename ... on SetApprovalDeputySuccess { deputy { id } } } }`,
    { i: { deputyUserId: clerk!.id, from: tomorrow(3).toISOString(), to: tomorrow(4).toISOString() } },
  );
  expect(named.setApprovalDeputy.__typename).toBe('SetApprovalDeputySuccess');

  const [notification] = await server.sql<{ id: string }>(
    `select n.id from notification n join app_user u on u.id = n.user_id where u.email = $1 order by n.created_at limit 1`,
    [EMAIL.clerk],
  );
  const [rule] = await server.sql<{
    id: string;
    department: string;
    stage: number;
    condition: unknown;
    sla_hours: number;
    description_zh: string;
    description_en: string;
    active: boolean;
  }>(`select * from approval_rule where active order by code limit 1`);
  const [reason] = await server.sql<{
    id: string;
    label_zh: string;
    label_en: string;
    category: string;
    customer_confirmation_default: boolean;
    explanation_required: boolean;
    sort_order: number;
    active: boolean;
  }>(`select * from termination_reason where code = 'OTHER'`);

  const submitOrders = new Map<ActorId, string>(ACTORS.map((a) => [a, take()]));
  return {
    terminationId: main.id,
    terminationNumber: mainRow!.number,
    salesStepId: salesStep.id,
    withdrawByClerk,
    withdrawByAdmin,
    awaitingId: viewed.id,
    viewToken: viewed.token,
    respondToken: responded.token,
    salesTaskId: salesTask.id,
    salesAssignTaskId: assignTask.id,
    clerkId: clerk!.id,
    deputyshipId: named.setApprovalDeputy.deputy.id,
    deputySteps,
    clerkNotificationId: notification!.id,
    rule: {
      id: rule!.id,
      input: {
        department: rule!.department,
        stage: rule!.stage,
        condition: rule!.condition,
        slaHours: rule!.sla_hours,
        descriptionZh: rule!.description_zh,
        descriptionEn: rule!.description_en,
        active: rule!.active,
      },
    },
    reason: {
      id: reason!.id,
      input: {
        labelZh: reason!.label_zh,
        labelEn: reason!.label_en,
        category: reason!.category,
        customerConfirmationDefault: reason!.customer_confirmation_default,
        explanationRequired: reason!.explanation_required,
        sortOrder: reason!.sort_order,
        active: reason!.active,
      },
    },
    throwawayKeyId: (await createKey('matrix throwaway', ['ORDERS_READ'])).id,
    throwawayRateId: (
      await wf.as<{ setExchangeRate: { id: string } }>(
        EMAIL.admin,
        `mutation { setExchangeRate(input: { currency: "SEK", rate: "0.68", validFrom: "2026-06-01" }) { ... on ExchangeRate { id } } }`,
      )
    ).setExchangeRate.id,
    throwawayUserId: await createThrowawayUser(),
    throwawaySsoMappingId: (
      await wf.as<{ setSsoClaimMapping: { id: string } }>(
        EMAIL.admin,
        `mutation { setSsoClaimMapping(input: { claim: DEPARTMENT, value: "matrix-to-delete", department: "FINANCE" }) { ... on SsoClaimMapping { id } } }`,
      )
    ).setSsoClaimMapping.id,
    webhookEndpointId: await createWebhookEndpoint('matrix: endpoint'),
    throwawayWebhookEndpointId: await createWebhookEndpoint('matrix: to delete'),
    submitOrders,
  };
}

interface ErrorLike {
  message?: string;
  extensions?: { code?: unknown };
}

function errorCode(errors: readonly ErrorLike[] | undefined): string | undefined {
  return errors?.map((e) => e.extensions?.code).find((c): c is string => typeof c === 'string');
}

async function runHttpCell(field: string, row: Row, actor: ActorId, want: Expected): Promise<void> {
  const bearer = row.bearer ? await row.bearer(actor) : await bearerOf(actor);
  const guarded = row.kind === 'mutation' && want !== 'allow';
  const before = guarded ? await businessChecksums(server) : null;
  const res: GqlResponse = await server.gql(row.document, row.variables?.(actor) ?? {}, bearer);
  const context = `${field} as ${actor}: ${JSON.stringify(res).slice(0, 600)}`;
  const value = res.data?.[field] as { __typename?: string; code?: string } | null | undefined;

  if (want === 'allow' && field === 'mailbox' && sendsThroughSmtp) {
    // Allowed, but the production process sends through SMTP, so the dev mailbox is off for all.
    expect(errorCode(res.errors), context).toBe('DEV_MAILBOX_OFF');
  } else if (want === 'allow') {
    expect(res.errors, context).toBeUndefined();
    expect(value, context).not.toBeUndefined();
    // A typed refusal is fine here, but not one that means "you may not".
    expect(['NOT_YOUR_DEPARTMENT', 'FORBIDDEN_ACTION'], context).not.toContain(value?.code);
  } else if (typeof want === 'object') {
    expect(res.errors, context).toBeUndefined();
    expect(value?.code, context).toBe(want.refused);
  } else {
    expect(errorCode(res.errors), context).toBe(want);
    expect(res.status, context).toBe(want === 'UNAUTHENTICATED' ? 401 : 403);
    // Nothing of the answer leaks next to the error.
    expect(value ?? null, context).toBeNull();
  }
  if (before) {
    const changed = changedTables(before, await businessChecksums(server));
    expect(changed, `${field} as ${actor} (${describeExpected(want)}) changed business tables`).toEqual([]);
  }
}

async function liveClientFor(actor: ActorId): Promise<LiveClient> {
  // Anonymous sockets are closed by the server, so each cell gets a fresh one.
  if (actor === 'anonymous') return liveClient(server.url);
  let client = liveClients.get(actor);
  if (!client) {
    client = liveClient(server.url, `Bearer ${await bearerOf(actor)}`);
    liveClients.set(actor, client);
  }
  return client;
}

async function runSubscriptionCell(field: string, row: Row, actor: ActorId, want: Expected): Promise<void> {
  const client = await liveClientFor(actor);
  const sub = await client.subscribe(row.document, row.variables?.(actor) ?? {});
  // An asynchronous refusal would come right after the round trip; give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 30));
  const errors = sub.errors.flat() as ErrorLike[];
  const context = `${field} as ${actor}: ${JSON.stringify(errors).slice(0, 400)}`;
  try {
    if (want === 'allow') {
      expect(errors, context).toEqual([]);
    } else if (want === 'UNAUTHENTICATED') {
      // No credentials: the socket is refused before any subscription (close code 4401).
      const code = await Promise.race([client.closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 2000))]);
      expect(code, context).toBe(4401);
      expect(sub.events, context).toEqual([]);
    } else {
      expect(errorCode(errors), context).toBe('FORBIDDEN');
      expect(sub.events, context).toEqual([]);
    }
  } finally {
    sub.close();
    if (actor === 'anonymous') await client.dispose();
  }
}

const schemaFile = buildSchema(fs.readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));

function rootFields(schema: GraphQLSchema): Map<string, Kind> {
  const fields = new Map<string, Kind>();
  const roots: [Kind, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  for (const [kind, type] of roots) for (const name of Object.keys(type?.getFields() ?? {})) fields.set(name, kind);
  return fields;
}

/*
 * Staff privacy inside allowed answers: wherever a user appears, its e-mail and role are for the
 * user themself, administrators, clerks and department heads; API keys and the auditor get null
 * (server/src/modules/identity/staff-privacy.ts). One row per path to a user.
 */
const SEES_STAFF_CONTACT: readonly ActorId[] = ['admin', 'clerk', ...HEADS];

interface PrivacyRow {
  document: string;
  /** Callers that may read the row's root field at all. */
  readers: readonly ActorId[];
  variables?: () => Record<string, unknown>;
  /** The users (email, role) in the answer. */
  people: (data: Record<string, unknown>) => { email: string | null; role: string | null }[];
}

const PRIVACY_ROWS: Record<string, PrivacyRow> = {
  'termination.requestedBy': {
    document: `query($id: ID) { termination(id: $id) { requestedBy { email role } } }`,
    readers: TERMINATION_READERS,
    variables: () => ({ id: fx.terminationId }),
    people: (d) => [(d.termination as { requestedBy: { email: string | null; role: string | null } }).requestedBy],
  },
  'terminations.requestedBy': {
    document: `{ terminations(first: 5) { edges { node { requestedBy { email role } } } } }`,
    readers: TERMINATION_READERS,
    people: (d) =>
      (d.terminations as { edges: { node: { requestedBy: { email: string | null; role: string | null } } }[] }).edges.map(
        (e) => e.node.requestedBy,
      ),
  },
};

/*
 * The whole matrix against the in-process server and against the production process (node
 * server/dist/main.js start, NODE_ENV=production): the same cells, the same codes and statuses.
 */
describe.each(MODES)('%s server', (mode) => {
  beforeAll(async () => {
    // The matrix signs in and opens public links far more often than one person would.
    server = await startServerIn(mode, { RATE_LIMIT_LOGIN_PER_IP: '100000', RATE_LIMIT_PUBLIC_PER_IP: '100000' });
    sendsThroughSmtp = mode === 'production';
    wf = new Workflow(server);
    keySecrets.clear();
    liveClients.clear();
    tally.cells = tally.fields = 0;
    for (const scope of SCOPES) keySecrets.set(`key:${scope}`, (await createKey(`matrix ${scope}`, [scope])).secret);
    keySecrets.set('key:ALL', (await createKey('matrix all scopes', SCOPES)).secret);
    fx = await prepareFixture();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...liveClients.values()].map((c) => c.dispose()));
    console.log(`authorization matrix (${mode}): ${tally.fields} operations × ${ACTORS.length} actors = ${tally.cells} cells tested`);
    await server?.close();
  });

  describe('every root field has a row', () => {
    it('covers schema/schema.graphql and the running server, and nothing else', async () => {
      const fromFile = rootFields(schemaFile);
      const introspection = await server.gql<{
        __schema: Record<'queryType' | 'mutationType' | 'subscriptionType', { fields: { name: string }[] }>;
      }>(
        `{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }`,
        {},
        await bearerOf('admin'),
      );
      expect(introspection.errors).toBeUndefined();
      const live = introspection.data!.__schema;
      const served = new Map<string, Kind>([
        ...live.queryType.fields.map((f) => [f.name, 'query'] as const),
        ...live.mutationType.fields.map((f) => [f.name, 'mutation'] as const),
        ...live.subscriptionType.fields.map((f) => [f.name, 'subscription'] as const),
      ]);
      const missing = [...new Set([...fromFile.keys(), ...served.keys()])].filter((name) => !ROWS[name]);
      expect(missing, 'root fields without a row in the authorization matrix: add one').toEqual([]);
      const stale = Object.keys(ROWS).filter((name) => !served.has(name));
      expect(stale, 'rows for fields the server no longer has').toEqual([]);
      for (const [name, row] of Object.entries(ROWS)) expect(`${name}: ${served.get(name)}`).toBe(`${name}: ${row.kind}`);
    });
  });

  for (const [field, row] of Object.entries(ROWS)) {
    describe(`${row.kind} ${field}`, () => {
      for (const actor of ACTORS) {
        const want = expected(row, actor);
        it(`${actor} → ${describeExpected(want)}`, async () => {
          tally.cells++;
          if (row.kind === 'subscription') await runSubscriptionCell(field, row, actor, want);
          else await runHttpCell(field, row, actor, want);
        });
      }
      afterAll(() => {
        tally.fields++;
      });
    });
  }

  /*
   * A deputy holds the head's authority over the department's steps for [from, to) only: start
   * inclusive, end exclusive (the millisecond boundaries themselves are driven with an explicit
   * clock in deputies-and-task-owners.spec.ts). Here through the API, as the purchasing head
   * standing in for the sales head.
   */
  describe('deputies and their period', () => {
    const deputy = 'head:PURCHASING' as const;
    const name = async (from: number, to: number) => {
      const [me] = await server.sql<{ id: string }>(`select id from app_user where email = $1`, [EMAIL[deputy]]);
      const data = await wf.as<{ setApprovalDeputy: { __typename: string; deputy: { id: string } } }>(
        EMAIL['head:SALES'],
        `mutation($i: SetApprovalDeputyInput!) { setApprovalDeputy(input: $i) { __typename ... on SetApprovalDeputySuccess { deputy { id } } } }`,
        { i: { deputyUserId: me!.id, from: new Date(Date.now() + from).toISOString(), to: new Date(Date.now() + to).toISOString() } },
      );
      expect(data.setApprovalDeputy.__typename).toBe('SetApprovalDeputySuccess');
      return data.setApprovalDeputy.deputy.id;
    };
    const decide = async (stepId: string) => {
      const res = await server.gql<{ decideApproval: { __typename: string; code?: string } }>(
        `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { ${RESULT} } }`,
        { i: { stepId, decision: 'APPROVE', comment: 'matrix: deputy' } },
        await bearerOf(deputy),
      );
      expect(res.errors).toBeUndefined();
      return res.data!.decideApproval;
    };
    const refusedUntouched = async (stepId: string) => {
      const before = await businessChecksums(server);
      expect((await decide(stepId)).code).toBe('NOT_YOUR_DEPARTMENT');
      expect(changedTables(before, await businessChecksums(server))).toEqual([]);
    };

    it('before the start: refused, nothing changes', async () => {
      await name(60_000, 3_600_000);
      await refusedUntouched(fx.deputySteps[0]!);
    });

    it('from the start: decides, for the head', async () => {
      await name(-1_000, 3_600_000);
      expect((await decide(fx.deputySteps[0]!)).__typename).toBe('DecideApprovalSuccess');
      const [step] = await server.sql<{ on_behalf_of: string }>(
        `select h.email as on_behalf_of from approval_step s join app_user h on h.id = s.on_behalf_of_id where s.id = $1`,
        [fx.deputySteps[0]],
      );
      expect(step?.on_behalf_of).toBe(EMAIL['head:SALES']);
    });

    it('at and after the end: refused', async () => {
      await name(-2_000, 1_200);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      await refusedUntouched(fx.deputySteps[1]!);
    });

    it('once cleared: refused', async () => {
      const id = await name(-1_000, 3_600_000);
      const cleared = await wf.as<{ clearApprovalDeputy: { __typename: string } }>(
        EMAIL['head:SALES'],
        `mutation($id: ID!) { clearApprovalDeputy(id: $id) { __typename } }`,
        { id },
      );
      expect(cleared.clearApprovalDeputy.__typename).toBe('ClearApprovalDeputySuccess');
      await refusedUntouched(fx.deputySteps[2]!);
    });
  });

  for (const [path, row] of Object.entries(PRIVACY_ROWS)) {
    describe(`staff privacy: ${path}`, () => {
      for (const actor of row.readers) {
        const sees = SEES_STAFF_CONTACT.includes(actor);
        it(`${actor} → ${sees ? 'e-mail and role' : 'name only'}`, async () => {
          const res = await server.gql(row.document, row.variables?.() ?? {}, await bearerOf(actor));
          expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
          const people = row.people(res.data!);
          expect(people.length).toBeGreaterThan(0);
          for (const person of people) {
            if (sees) expect(person, path).toEqual({ email: expect.stringMatching(/@/), role: expect.any(String) });
            else expect(person, path).toEqual({ email: null, role: null });
          }
        });
      }
    });
  }
});
