import { expect } from 'vitest';
import type { GqlResponse, TestServer } from './server.js';

/** The demo head of each department (API.md). */
export const HEAD_OF: Record<string, string> = {
  SALES: 'sales.head@example.com',
  PURCHASING: 'purchasing.head@example.com',
  WAREHOUSE: 'warehouse.head@example.com',
  FINANCE: 'finance.head@example.com',
  MANAGEMENT: 'gm@example.com',
};

export const RESULT_FIELDS = `__typename ... on ErrorResult { code message }`;

/** The terminationImpact query (variable `input`), selecting `fields` when it answers with an impact. */
export function impactQuery(fields: string): string {
  return `query($input: TerminationImpactInput!) { terminationImpact(input: $input) { ${RESULT_FIELDS} ... on TerminationImpact { ${fields} } } }`;
}

export const TERMINATION_FIELDS = `id number status version scope customerConfirmationRequired effectiveAt closedAt
  order { number status } reason { code }
  approvalSteps { id stage department status comment dueAt decidedBy { email } }
  customerConfirmation { status recipient expiresAt preferredResolution }
  settlement { kind status refundDue cancellationFee feeOutstanding }
  followUpTasks { id kind department status outcome instructions }
  effectBlockers { code message subject }
  auditTrail { action actorName actorType data }`;

export interface Step {
  id: string;
  stage: number;
  department: string;
  status: string;
}
export interface TerminationView {
  id: string;
  number: string;
  status: string;
  version: number;
  order: { number: string; status: string };
  approvalSteps: Step[];
  customerConfirmation: { status: string; recipient: string; preferredResolution: string | null } | null;
  settlement: { kind: string; status: string; refundDue: string; cancellationFee: string; feeOutstanding: string } | null;
  followUpTasks: { id: string; kind: string; department: string; status: string; outcome: string | null; instructions: string }[];
  effectBlockers: { code: string; message: string; subject: string | null }[];
  auditTrail: { action: string; actorName: string; actorType: string; data: Record<string, unknown> }[];
}

export class Workflow {
  private tokens = new Map<string, string>();

  constructor(private readonly server: Pick<TestServer, 'gql' | 'login'>) {}

  async token(email: string): Promise<string> {
    let token = this.tokens.get(email);
    if (!token) {
      token = await this.server.login(email);
      this.tokens.set(email, token);
    }
    return token;
  }

  async as<T = Record<string, unknown>>(email: string, query: string, variables: Record<string, unknown> = {}) {
    const res = await this.server.gql<T>(query, variables, await this.token(email));
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }

  async submit(
    email: string,
    input: Record<string, unknown>,
  ): Promise<{
    __typename: string;
    code?: string;
    message?: string;
    termination?: TerminationView;
    replayed?: boolean;
    blockers?: { code: string }[];
  }> {
    const data = await this.as<{ submitTermination: never }>(
      email,
      `mutation($input: SubmitTerminationInput!) { submitTermination(input: $input) {
        ${RESULT_FIELDS} ... on SubmitTerminationSuccess { replayed termination { ${TERMINATION_FIELDS} } }
        ... on TerminationBlockedError { blockers { code message } } } }`,
      { input },
    );
    return data.submitTermination;
  }

  async get(id: string): Promise<TerminationView> {
    const data = await this.as<{ termination: TerminationView }>(
      'admin@example.com',
      `query($id: ID) { termination(id: $id) { ${TERMINATION_FIELDS} } }`,
      { id },
    );
    return data.termination;
  }

  async decide(email: string, stepId: string, decision: 'APPROVE' | 'REJECT', comment?: string) {
    const data = await this.as<{
      decideApproval: { __typename: string; code?: string; message?: string; termination?: { status: string } };
    }>(
      email,
      `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { ${RESULT_FIELDS} ... on DecideApprovalSuccess { step { status } termination { status } } } }`,
      { input: { stepId, decision, comment } },
    );
    return data.decideApproval;
  }

  /**
   * Approves `step` as `email` (its department's head unless said) and returns the raw response, errors
   * and all: for a decision meant to fail.
   */
  async tryApprove(
    step: { id: string; department: string },
    email = HEAD_OF[step.department]!,
  ): Promise<GqlResponse<{ decideApproval: { __typename: string } }>> {
    return this.server.gql(
      `mutation($i: DecideApprovalInput!) { decideApproval(input: $i) { __typename } }`,
      { i: { stepId: step.id, decision: 'APPROVE' } },
      await this.token(email),
    );
  }

  /** Approves stage by stage, each step by its department's head, until no step is pending. */
  async approveAll(terminationId: string): Promise<TerminationView> {
    for (let round = 0; round < 10; round++) {
      const t = await this.get(terminationId);
      const pending = t.approvalSteps.filter((s) => s.status === 'PENDING');
      if (!pending.length || t.status !== 'PENDING_APPROVAL') return t;
      for (const step of pending) {
        const result = await this.decide(HEAD_OF[step.department]!, step.id, 'APPROVE', 'ok');
        expect(result.__typename, JSON.stringify(result)).toBe('DecideApprovalSuccess');
      }
    }
    throw new Error('approvals did not finish');
  }

  /**
   * Approves stage by stage, each step by its department's head, all but the last step: the termination
   * then and that step, whose approval makes it take effect (or ask the customer).
   */
  async approveAllButLast(terminationId: string): Promise<{ termination: TerminationView; last: Step }> {
    let current = await this.get(terminationId);
    for (;;) {
      const pending = current.approvalSteps.filter((s) => s.status === 'PENDING');
      const waiting = current.approvalSteps.filter((s) => s.status === 'WAITING');
      if (!waiting.length && pending.length === 1) return { termination: current, last: pending[0]! };
      for (const step of waiting.length ? pending : pending.slice(0, -1)) await this.decide(HEAD_OF[step.department]!, step.id, 'APPROVE');
      current = await this.get(current.id);
    }
  }

  /** Submits as `email`, which must succeed, then approves every stage: the termination as it stands after. */
  async submitApproved(email: string, input: Record<string, unknown>): Promise<TerminationView> {
    const submitted = await this.submit(email, input);
    expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    return this.approveAll(submitted.termination!.id);
  }

  /**
   * A termination that has taken effect: SO-2026-00005 as a duplicate order needs only SALES and no
   * customer, so approving it makes it EFFECTIVE with SALES follow-ups open.
   */
  async effectiveDuplicateOrder(explanation: string): Promise<TerminationView> {
    const done = await this.submitApproved('clerk@example.com', {
      orderNumber: 'SO-2026-00005',
      reasonCode: 'DUPLICATE_ORDER',
      explanation,
      customerConfirmationRequired: false,
    });
    expect(done.status).toBe('EFFECTIVE');
    return done;
  }

  /** Approves every step and, where the customer is asked, accepts by their link: the termination as it stands after. */
  async approveAndAccept(terminationId: string): Promise<TerminationView> {
    const approved = await this.approveAll(terminationId);
    if (approved.status !== 'AWAITING_CUSTOMER') return approved;
    await this.respond(await this.confirmationToken(approved.customerConfirmation!.recipient), true);
    return this.get(terminationId);
  }

  /**
   * The confirmation link from the newest mail to `recipient`: read from the admin's dev mailbox,
   * or — on a server that sends through SMTP, whose mailbox is off — from the outbox row the
   * customer's mail is waiting in (these servers run no worker, so it is still unsent and keeps
   * its link; once sent, the link would be redacted).
   */
  async confirmationToken(recipient: string): Promise<string> {
    const res = await this.server.gql<{ mailbox: { edges: { node: { text: string } }[] } }>(
      `query($r: String) { mailbox(recipient: $r, first: 20) { edges { node { text } } } }`,
      { r: recipient },
      await this.token('admin@example.com'),
    );
    const smtp = res.errors?.[0]?.extensions?.code === 'DEV_MAILBOX_OFF';
    if (!smtp) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const texts = smtp
      ? (
          await this.server.sql<{ text: string }>(
            `select text from mail_message where recipient = $1 and status = 'QUEUED' order by created_at desc, id desc limit 20`,
            [recipient],
          )
        ).map((m) => m.text)
      : res.data!.mailbox.edges.map((e) => e.node.text);
    const mail = texts.find((text) => /\/confirm\//.test(text));
    const token = mail?.match(/\/confirm\/([A-Za-z0-9_-]{43})/)?.[1];
    if (!token) throw new Error(`no confirmation mail for ${recipient}`);
    return token;
  }

  async respond(token: string, accept: boolean, extra: Record<string, unknown> = {}) {
    const res = await this.server.gql<{ respondToTermination: { __typename: string; code?: string; status?: string } }>(
      `mutation($input: RespondToTerminationInput!) { respondToTermination(input: $input) { ${RESULT_FIELDS} ... on RespondToTerminationSuccess { status accepted terminationNumber } } }`,
      { input: { token, accept, ...extra } },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.respondToTermination;
  }

  async complete(email: string, taskId: string, note: string, extra: Record<string, unknown> = {}) {
    const data = await this.as<{ completeFollowUpTask: { __typename: string; code?: string; terminationClosed?: boolean } }>(
      email,
      `mutation($input: CompleteFollowUpTaskInput!) { completeFollowUpTask(input: $input) { ${RESULT_FIELDS} ... on CompleteFollowUpTaskSuccess { terminationClosed task { status } } } }`,
      { input: { taskId, note, ...extra } },
    );
    return data.completeFollowUpTask;
  }
}
