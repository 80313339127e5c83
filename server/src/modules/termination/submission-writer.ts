import { randomUUID } from 'node:crypto';
import type { DomainEvents, EventActor } from '../../kernel/domain-events.js';
import { enqueueJobs, type JobSpec } from '../../kernel/jobs.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { openStage } from '../approval/approval-stages.js';
import { ApprovalStep, ApprovalStepStatus } from '../approval/approval-step.entity.js';
import type { User } from '../identity/user.entity.js';
import { holdForTermination } from '../order/order-termination-status.js';
import type { SalesOrder } from '../order/sales-order.entity.js';
import type { TerminationImpact } from './impact.types.js';
import type { TerminationReason } from './termination-reason.entity.js';
import { Termination, TerminationScope } from './termination.entity.js';

/** A submission that passed its checks (guardSubmission): what gets written. */
export interface Submission {
  order: SalesOrder;
  reason: TerminationReason;
  explanation: string;
  impact: TerminationImpact;
  /** The drawn value of the termination number sequence. */
  number: string;
  bulkRunId?: string;
}

/** A written submission: the termination, and its steps (not managed: see writeSubmissions). */
export interface WrittenSubmission {
  termination: Termination;
  steps: ApprovalStep[];
}

/** The display number of a termination from the drawn sequence value, e.g. TR-2026-000042. */
function terminationNumber(sequenceValue: string): string {
  return `TR-${new Date().getFullYear()}-${String(sequenceValue).padStart(6, '0')}`;
}

/** The termination row of a submission: the one place that says what a submitted termination holds. */
function terminationData(s: Submission, requestedBy: User) {
  const { order, reason, impact } = s;
  return {
    number: terminationNumber(s.number),
    order,
    // The order's customer, on the termination too: its list searches by customer on its own index.
    customer: order.customer,
    reason,
    explanation: s.explanation,
    status: 'PENDING_APPROVAL' as const,
    fault: impact.fault,
    scope: impact.scope === 'FULL' ? TerminationScope.FULL : TerminationScope.PARTIAL,
    requestedBy,
    customerConfirmationRequired: impact.customerConfirmationRequired,
    impact: { ...impact, computedAt: impact.computedAt.toISOString() },
    bulkRunId: s.bulkRunId ?? null,
  };
}

/**
 * Writes submitted terminations, one or a bulk chunk's hundreds, with the same statements
 * whatever their number: the terminations (their orders held, their `termination.submitted`
 * events and what the events' subscribers write) go through the unit of work and are flushed
 * here; their lines and approval steps (the first stage already PENDING with its due times)
 * are inserted set-based, one statement per table, without entities: those rows were most of
 * what a chunk's flush created, tracked and snapshotted. The first stages' SLA jobs go out in
 * one statement. The steps are returned as unmanaged entities for an answer that shows them
 * (the caller puts them on the termination once the transaction has committed).
 */
export async function writeSubmissions(
  scope: TransactionScope,
  events: DomainEvents,
  actor: EventActor,
  requestedBy: User,
  submissions: readonly Submission[],
): Promise<WrittenSubmission[]> {
  const { em } = scope;
  const written: WrittenSubmission[] = [];
  const lineRows: Record<string, unknown>[] = [];
  const stepRows: Record<string, unknown>[] = [];
  const slaJobs: JobSpec[] = [];
  for (const s of submissions) {
    const { order, reason, impact } = s;
    const t = em.create(Termination, terminationData(s, requestedBy));
    const now = new Date().toISOString();
    for (const line of impact.lines) {
      lineRows.push({
        id: randomUUID(),
        created_at: now,
        termination_id: t.id,
        sales_order_line_id: line.lineId,
        quantity: line.quantity,
        amount: line.amount,
      });
    }
    const steps = impact.approvalRoute.map((step) =>
      Object.assign(new ApprovalStep(), {
        stage: step.stage,
        department: step.department,
        ruleCode: step.ruleCode,
        slaHours: step.slaHours,
        status: ApprovalStepStatus.WAITING,
      }),
    );
    // The first stage opens before anything is written, so its steps are inserted PENDING.
    slaJobs.push(...openStage(steps).slaJobs);
    for (const step of steps) {
      stepRows.push({
        id: step.id,
        created_at: step.createdAt.toISOString(),
        termination_id: t.id,
        stage: step.stage,
        department: step.department,
        rule_code: step.ruleCode,
        status: step.status,
        sla_hours: step.slaHours,
        activated_at: step.activatedAt?.toISOString() ?? null,
        due_at: step.dueAt?.toISOString() ?? null,
      });
    }
    holdForTermination(order);
    await events.record(
      scope,
      actor,
      'termination.submitted',
      {
        order: order.number,
        reason: reason.code,
        fault: t.fault,
        cancellationFee: impact.cancellationFee,
        scope: t.scope,
        lines: impact.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
        route: impact.approvalRoute.map((step) => `${step.stage}:${step.department}`),
        customerConfirmationRequired: t.customerConfirmationRequired,
      },
      { termination: t, previousStatus: null, departments: impact.approvalRoute.map((step) => step.department) },
    );
    written.push({ termination: t, steps });
  }
  if (!written.length) return written;
  // The terminations first: their lines and steps refer to them.
  await em.flush();
  await insertRows(
    scope,
    'termination_line',
    [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['sales_order_line_id', 'uuid'],
      ['quantity', 'int'],
      ['amount', 'numeric'],
    ],
    lineRows,
  );
  await insertRows(
    scope,
    'approval_step',
    [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['stage', 'int'],
      ['department', 'text'],
      ['rule_code', 'text'],
      ['status', 'text'],
      ['sla_hours', 'int'],
      ['activated_at', 'timestamptz'],
      ['due_at', 'timestamptz'],
    ],
    stepRows,
  );
  await enqueueJobs(em, slaJobs);
  return written;
}

/**
 * Inserts `rows` into `table` in one statement, `insert … select from jsonb_to_recordset(…)`: the
 * rows travel as one JSON parameter (MikroORM inlines parameters into the SQL text, and one JSON
 * literal is what it does cheaply and without per-type escaping), as the ERP sync writes.
 */
async function insertRows(
  scope: TransactionScope,
  table: string,
  columns: readonly (readonly [name: string, type: string])[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (!rows.length) return;
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  await scope.em.execute(
    `insert into "${table}" (${names})
     select ${names} from jsonb_to_recordset(?::jsonb) as x(${columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})`,
    [JSON.stringify(rows)],
  );
}
