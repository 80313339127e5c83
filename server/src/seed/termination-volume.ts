import type { DomainEventType, DomainEventTypes } from '../kernel/domain-events.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { OrderStatus, PreferredResolution, TerminationEvent, TerminationStatus } from '@ot/shared';
import type pg from 'pg';
import { planFollowUps } from '../modules/follow-up/follow-up-plan.js';
import { effectAppliedData } from '../modules/termination/effect/effect-runner.js';
import { computeImpact, type ImpactInput } from '../modules/termination/impact-calculation.js';
import type { TerminationImpact } from '../modules/termination/impact.types.js';
import { Rows, writeBatch } from './bulk-rows.js';
import { Random } from './random.js';
import { BatchEffects, type AppliedEffect } from './termination-volume-effect.js';
import { factsOf, loadBatchRows, loadPolicy, type BatchRows, type OrderRow, type Policy } from './termination-volume-facts.js';

/*
 * Benchmark volume for the termination side, appended after the order volume (volume-seed.ts):
 * terminations TR-V-0000001… in every status on distinct open SO-V orders, with their lines,
 * approval steps, customer confirmations, settlements, follow-up tasks and audit trail, and the
 * ERP side effects of those that took effect. What a termination is — its impact and approval
 * route, what taking effect changes, its follow-up tasks — comes from the product's own functions
 * (computeImpact, the effect plan, planFollowUps) over facts read in bulk with SQL. One order gets
 * at most one termination, so the partial unique index (one running termination per order) holds.
 * Rows are written per batch with `insert … select from unnest(…)`, one transaction per batch.
 */

const BATCH = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The demo data's "now" (volume-seed.ts: 2026-11-25 before 09:00 China time). */
const NOW = Date.parse('2026-11-25T08:30:00+08:00');
/** Orders dated up to here are old enough for a termination that has run its whole course. */
const OLD_ORDER_DATE = '2026-10-10';
const TERMINABLE: readonly OrderStatus[] = ['CONFIRMED', 'IN_PRODUCTION', 'PARTIALLY_SHIPPED'];

const STATUS_WEIGHTS: [TerminationStatus, number][] = [
  ['PENDING_APPROVAL', 30],
  ['AWAITING_CUSTOMER', 8],
  ['EFFECTIVE', 14],
  ['CLOSED', 24],
  ['REJECTED', 10],
  ['WITHDRAWN', 9],
  ['CUSTOMER_DECLINED', 5],
];
const ACTIVE: readonly TerminationStatus[] = ['PENDING_APPROVAL', 'AWAITING_CUSTOMER'];
const REASON_WEIGHTS: [string, number][] = [
  ['CUSTOMER_CANCELLATION', 30],
  ['CUSTOMER_CHANGE', 20],
  ['PRODUCT_DISCONTINUED', 8],
  ['SUPPLY_UNAVAILABLE', 10],
  ['CREDIT_RISK', 6],
  ['DUPLICATE_ORDER', 8],
  ['INTERNAL_DECISION', 8],
  ['OTHER', 10],
];
const EXPLANATIONS: Record<string, string[]> = {
  CUSTOMER_CANCELLATION: ['客户项目取消，书面通知终止本订单。', '客户来函要求取消订单，已电话确认。'],
  CUSTOMER_CHANGE: ['客户变更规格，原订单终止后重新下单。', '客户调整交付计划，部分数量不再需要。'],
  PRODUCT_DISCONTINUED: ['产品停产，无替代型号可供。'],
  SUPPLY_UNAVAILABLE: ['供应商无法按期供货，经协商终止。', '关键原材料短缺，无法履约。'],
  CREDIT_RISK: ['客户信用额度超限且逾期未付款。'],
  DUPLICATE_ORDER: ['与同一客户的另一订单重复录入。'],
  INTERNAL_DECISION: ['公司调整产品线，经管理层决定终止。'],
  OTHER: ['客户所在园区停工，订单暂不执行，双方同意终止。'],
};
const RESOLUTIONS: readonly PreferredResolution[] = ['REFUND', 'REPLACEMENT', 'RESCHEDULE', 'CREDIT_NOTE'];

// --- reference data ------------------------------------------------------------------------------

interface RefUser {
  id: string;
  name: string;
}
type RefReason = ImpactInput['reason'] & { id: string };
interface Reference {
  clerk: RefUser;
  admin: RefUser;
  heads: Map<string, RefUser>;
  reasons: Map<string, RefReason>;
  policy: Policy;
}

async function loadReference(client: pg.Client): Promise<Reference> {
  const users = await client.query<{ id: string; name: string; email: string; role: string; department_code: string | null }>(
    `select id, name, email, role, department_code from app_user where active order by email`,
  );
  const byEmail = new Map(users.rows.map((u) => [u.email.toLowerCase(), u]));
  const admin = users.rows.find((u) => u.role === 'ADMIN');
  const clerk = byEmail.get('clerk@example.com') ?? users.rows.find((u) => u.role === 'CLERK') ?? admin;
  if (!admin || !clerk) throw new Error('seedTerminationVolume needs the demo users (run the demo seed first)');
  const heads = new Map<string, RefUser>();
  for (const u of users.rows)
    if (u.role === 'DEPT_HEAD' && u.department_code && !heads.has(u.department_code)) heads.set(u.department_code, u);
  const reasons = await client.query<RefReason>(
    `select id, code, category, active, fault, customer_confirmation_default as "customerConfirmationDefault"
       from termination_reason where active`,
  );
  const policy = await loadPolicy(client);
  if (!reasons.rowCount || !policy.approvalRules.length)
    throw new Error('seedTerminationVolume needs the reason catalog and approval rules');
  return { clerk, admin, heads, reasons: new Map(reasons.rows.map((r) => [r.code, r])), policy };
}

interface Candidate {
  id: string;
  old: boolean;
}

/** Open volume orders that never had a termination, in a deterministic shuffled order. */
async function loadCandidates(client: pg.Client, rng: Random): Promise<{ old: Candidate[]; recent: Candidate[] }> {
  const { rows } = await client.query<{ id: string; old: boolean }>(
    `select o.id, o.order_date <= $2::date as old
       from sales_order o
      where o.number like 'SO-V-%' and o.status = any($1::text[])
        and not exists (select 1 from termination t where t.order_id = o.id)
      order by o.number`,
    [TERMINABLE, OLD_ORDER_DATE],
  );
  const shuffled = rng.sample(rows, rows.length);
  return { old: shuffled.filter((r) => r.old), recent: shuffled.filter((r) => !r.old) };
}

// --- row buffers -----------------------------------------------------------------------------------

function batchTables() {
  return {
    terminations: new Rows('termination', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['number', 'text'],
      ['order_id', 'uuid'],
      ['customer_id', 'uuid'],
      ['reason_id', 'uuid'],
      ['explanation', 'text'],
      ['status', 'text'],
      ['fault', 'text'],
      ['scope', 'text'],
      ['requested_by_id', 'uuid'],
      ['customer_confirmation_required', 'bool'],
      ['impact', 'jsonb'],
      ['applied_purchase_order_changes', 'jsonb'],
      ['status_changed_at', 'timestamptz'],
      ['effective_at', 'timestamptz'],
      ['closed_at', 'timestamptz'],
      ['version', 'int'],
    ]),
    lines: new Rows('termination_line', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['sales_order_line_id', 'uuid'],
      ['quantity', 'int'],
      ['amount', 'numeric'],
    ]),
    steps: new Rows('approval_step', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['stage', 'int'],
      ['department', 'text'],
      ['rule_code', 'text'],
      ['status', 'text'],
      ['sla_hours', 'int'],
      ['decided_by_id', 'uuid'],
      ['decided_at', 'timestamptz'],
      ['comment', 'text'],
      ['activated_at', 'timestamptz'],
      ['due_at', 'timestamptz'],
    ]),
    confirmations: new Rows('customer_confirmation', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['token_hash', 'text'],
      ['status', 'text'],
      ['recipient', 'text'],
      ['sent_at', 'timestamptz'],
      ['expires_at', 'timestamptz'],
      ['responded_at', 'timestamptz'],
      ['note', 'text'],
      ['preferred_resolution', 'text'],
    ]),
    settlements: new Rows('settlement', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['kind', 'text'],
      ['status', 'text'],
      ['currency', 'text'],
      ['terminated_value', 'numeric'],
      ['amount_paid', 'numeric'],
      ['cancellation_fee', 'numeric'],
      ['refund_due', 'numeric'],
      ['fee_outstanding', 'numeric'],
      ['completed_at', 'timestamptz'],
    ]),
    tasks: new Rows('follow_up_task', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['termination_id', 'uuid'],
      ['kind', 'text'],
      ['department', 'text'],
      ['instructions', 'text'],
      ['due_at', 'timestamptz'],
      ['status', 'text'],
      ['outcome', 'text'],
      ['note', 'text'],
      ['completed_by_id', 'uuid'],
      ['completed_by_name', 'text'],
      ['completed_at', 'timestamptz'],
    ]),
    audit: new Rows('audit_event', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['actor_type', 'text'],
      ['actor_id', 'text'],
      ['actor_name', 'text'],
      ['action', 'text'],
      ['termination_id', 'uuid'],
      ['entity_type', 'text'],
      ['entity_id', 'text'],
      ['data', 'jsonb'],
    ]),
  };
}

type Tables = ReturnType<typeof batchTables>;

// --- generator --------------------------------------------------------------------------------------

type Actor = { type: 'USER' | 'CUSTOMER' | 'SYSTEM'; id: string | null; name: string };
const SYSTEM: Actor = { type: 'SYSTEM', id: null, name: 'system' };
/** Writes an event of the product's event log, with the data the product records for it. */
type Audit = <K extends DomainEventType>(
  time: number,
  actor: Actor,
  type: K,
  entity: [string, string] | null,
  data: DomainEventTypes[K],
) => void;

const lowerStatus = (s: TerminationStatus) => s.toLowerCase() as Lowercase<TerminationStatus>;
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** One batch of terminations: the rows they read, the rows they write and the ERP changes of those taking effect. */
interface Batch {
  rows: BatchRows;
  tables: Tables;
  effects: BatchEffects;
}

class TerminationGenerator {
  private counter: number;

  constructor(
    private readonly rng: Random,
    private readonly ref: Reference,
    offset: number,
  ) {
    this.counter = offset;
  }

  private head(department: string): RefUser {
    return this.ref.heads.get(department) ?? this.ref.admin;
  }

  private user(u: RefUser): Actor {
    return { type: 'USER', id: u.id, name: u.name };
  }

  /** A moment between `from` and `to` (ms), never after NOW. */
  private between(from: number, to: number): number {
    const hi = Math.min(to, NOW - 60_000);
    return hi <= from ? Math.min(from, NOW - 60_000) : from + Math.floor(this.rng.next() * (hi - from));
  }

  /** The product's impact of the termination, on the batch's rows as they stand at `at`. */
  private impactAt(batch: Batch, order: OrderRow, input: ImpactInput, at: number): TerminationImpact {
    const impact = computeImpact(factsOf(batch.rows, order, this.ref.policy, new Date(at)), input, new Date(at));
    if (impact.blockers.length) {
      throw new Error(
        `seedTerminationVolume: ${order.order.number} cannot be terminated: ${impact.blockers.map((b) => b.code).join(', ')}`,
      );
    }
    return impact;
  }

  generate(order: OrderRow, status: TerminationStatus, batch: Batch): void {
    const { rng, ref } = this;
    const { tables } = batch;
    const reason = ref.reasons.get(rng.weighted(REASON_WEIGHTS)) ?? [...ref.reasons.values()][0]!;
    const needsCustomer = status === 'AWAITING_CUSTOMER' || status === 'CUSTOMER_DECLINED';
    const active = ACTIVE.includes(status);
    // Running terminations were submitted in the last days (links still valid); finished ones had a month to run.
    const earliest = order.orderDay + DAY_MS + rng.int(1, 8) * HOUR_MS;
    const recentDays = status === 'AWAITING_CUSTOMER' ? 5 : 10;
    const submittedAt = active
      ? this.between(Math.max(earliest, NOW - recentDays * DAY_MS), NOW - 2 * HOUR_MS)
      : this.between(earliest, Math.max(earliest, NOW - 35 * DAY_MS));
    // The whole order; the clerk asks for the customer's confirmation where the customer answers.
    const impact = this.impactAt(batch, order, { reason, customerConfirmationRequested: needsCustomer || null }, submittedAt);
    const route = impact.approvalRoute;
    const confirmationRequired = impact.customerConfirmationRequired;
    const id = randomUUID();
    this.counter += 1;
    const number = `TR-V-${String(this.counter).padStart(7, '0')}`;
    const clerk = this.user(ref.clerk);
    const audit: Audit = (time, actor, action, entity, data) =>
      tables.audit.add([
        randomUUID(),
        iso(time),
        actor.type,
        actor.id,
        actor.name,
        action,
        id,
        entity?.[0] ?? null,
        entity?.[1] ?? null,
        JSON.stringify(data),
      ]);

    audit(submittedAt, clerk, 'termination.submitted', ['Termination', id], {
      order: order.order.number,
      reason: reason.code,
      fault: impact.fault,
      cancellationFee: impact.cancellationFee,
      scope: impact.scope,
      lines: impact.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
      route: route.map((s) => `${s.stage}:${s.department}`),
      customerConfirmationRequired: confirmationRequired,
    });
    for (const line of impact.lines) {
      tables.lines.add([randomUUID(), iso(submittedAt), id, line.lineId, line.quantity, line.amount]);
    }

    // Approvals: stage by stage; where the process stopped depends on the status.
    const stages = [...new Set(route.map((s) => s.stage))];
    let stopAt = stages.length; // index of the stage that is pending (or where it ended); length = all approved
    if (status === 'PENDING_APPROVAL') stopAt = rng.chance(0.55) ? 0 : rng.int(0, stages.length - 1);
    else if (status === 'REJECTED') stopAt = rng.int(0, stages.length - 1);
    // Withdrawn after all approvals only while waiting for the customer (otherwise it took effect).
    else if (status === 'WITHDRAWN') stopAt = confirmationRequired && rng.chance(0.25) ? stages.length : rng.int(0, stages.length - 1);
    let clock = submittedAt;
    let version = 1;
    let lastApprover: Actor = clerk;
    let rejectedBy: { actor: Actor; department: string; stepId: string; comment: string; at: number } | null = null;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      const steps = route.filter((s) => s.stage === stage);
      const reached = i <= stopAt && i < stages.length;
      const activatedAt = reached ? clock : null;
      let stageEnd = clock;
      const rejectIndex = status === 'REJECTED' && i === stopAt ? rng.int(0, steps.length - 1) : -1;
      for (const [k, step] of steps.entries()) {
        const stepId = randomUUID();
        const dueAt = activatedAt === null ? null : activatedAt + step.slaHours * HOUR_MS;
        let stepStatus = 'WAITING';
        let decidedAt: number | null = null;
        let decidedBy: string | null = null;
        let comment: string | null = null;
        if (i < stopAt) stepStatus = 'APPROVED';
        else if (i === stopAt && rejectIndex === k) stepStatus = 'REJECTED';
        else if (i === stopAt && rejectIndex >= 0) stepStatus = rng.chance(0.5) ? 'APPROVED' : 'SKIPPED';
        else if (i === stopAt) stepStatus = status === 'PENDING_APPROVAL' ? 'PENDING' : 'SKIPPED';
        else stepStatus = status === 'PENDING_APPROVAL' ? 'WAITING' : 'SKIPPED';
        if (stepStatus === 'APPROVED' || stepStatus === 'REJECTED') {
          const approver = this.head(step.department);
          decidedAt = this.between(activatedAt! + 10 * 60_000, activatedAt! + step.slaHours * HOUR_MS * 1.1);
          if (active) decidedAt = Math.min(decidedAt, NOW - 30 * 60_000);
          decidedBy = approver.id;
          comment =
            stepStatus === 'REJECTED'
              ? rng.pick(['影响过大，不同意终止。', '请先与客户协商替代方案。', '违约金计算需复核。'])
              : rng.chance(0.3)
                ? '同意'
                : null;
          stageEnd = Math.max(stageEnd, decidedAt);
          version += 1;
          lastApprover = this.user(approver);
          audit(decidedAt, lastApprover, stepStatus === 'APPROVED' ? 'approval.approved' : 'approval.rejected', ['ApprovalStep', stepId], {
            stage: step.stage,
            department: step.department,
            comment,
          });
          if (stepStatus === 'REJECTED')
            rejectedBy = { actor: lastApprover, department: step.department, stepId, comment: comment!, at: decidedAt };
        }
        tables.steps.add([
          stepId,
          iso(submittedAt),
          id,
          step.stage,
          step.department,
          step.ruleCode,
          stepStatus,
          step.slaHours,
          decidedBy,
          isoOrNull(decidedAt),
          comment,
          isoOrNull(activatedAt),
          isoOrNull(dueAt),
        ]);
      }
      if (i < stopAt) clock = stageEnd;
    }
    const approvedAt = clock;

    let statusChangedAt = submittedAt;
    let effectiveAt: number | null = null;
    let closedAt: number | null = null;
    const transition = (
      time: number,
      actor: Actor,
      to: TerminationStatus,
      from: TerminationStatus,
      event: TerminationEvent,
      data: Record<string, unknown> = {},
    ) => {
      version += 1;
      statusChangedAt = time;
      audit(time, actor, `termination.${lowerStatus(to)}`, ['Termination', id], { from, to, event, ...data });
    };

    // The customer's link, when the customer was asked.
    let preferred: PreferredResolution | null = null;
    const askedCustomer = confirmationRequired && stopAt >= stages.length && status !== 'PENDING_APPROVAL' && status !== 'REJECTED';
    if (askedCustomer) {
      const sentAt = approvedAt;
      const confirmationId = randomUUID();
      const expiresAt = sentAt + 168 * HOUR_MS;
      transition(sentAt, lastApprover, 'AWAITING_CUSTOMER', 'PENDING_APPROVAL', 'APPROVED_ALL_NEEDS_CUSTOMER');
      audit(sentAt, SYSTEM, 'confirmation.sent', ['CustomerConfirmation', confirmationId], {
        recipient: order.customerEmail,
        expiresAt: iso(expiresAt),
        deadlineDate: null,
        replaced: 0,
      });
      let confirmationStatus = 'PENDING';
      let respondedAt: number | null = null;
      let note: string | null = null;
      if (status === 'WITHDRAWN') confirmationStatus = 'SUPERSEDED';
      else if (status === 'CUSTOMER_DECLINED' || status === 'EFFECTIVE' || status === 'CLOSED') {
        const accepted = status !== 'CUSTOMER_DECLINED';
        confirmationStatus = accepted ? 'ACCEPTED' : 'DECLINED';
        respondedAt = this.between(sentAt + HOUR_MS, sentAt + 5 * DAY_MS);
        preferred = accepted && rng.chance(0.7) ? rng.pick(RESOLUTIONS) : null;
        note = accepted ? null : rng.pick(['我方仍需要该批货物，请按原计划交付。', '不同意违约金金额。']);
        const customer: Actor = { type: 'CUSTOMER', id: null, name: order.customerEmail };
        audit(
          respondedAt,
          customer,
          accepted ? 'confirmation.accepted' : 'confirmation.declined',
          ['CustomerConfirmation', confirmationId],
          {
            preferredResolution: preferred,
            note,
          },
        );
        if (!accepted) transition(respondedAt, customer, 'CUSTOMER_DECLINED', 'AWAITING_CUSTOMER', 'CUSTOMER_DECLINE');
        else effectiveAt = respondedAt;
        lastApprover = customer;
      }
      tables.confirmations.add([
        confirmationId,
        iso(sentAt),
        id,
        randomBytes(32).toString('hex'),
        confirmationStatus,
        order.customerEmail,
        iso(sentAt),
        iso(expiresAt),
        isoOrNull(respondedAt),
        note,
        preferred,
      ]);
    } else if (status === 'EFFECTIVE' || status === 'CLOSED') {
      effectiveAt = approvedAt;
    }

    if (status === 'REJECTED') {
      const r = rejectedBy!;
      transition(r.at, r.actor, 'REJECTED', 'PENDING_APPROVAL', 'REJECT', { step: r.stepId, department: r.department, comment: r.comment });
    } else if (status === 'WITHDRAWN') {
      const from = askedCustomer ? 'AWAITING_CUSTOMER' : 'PENDING_APPROVAL';
      const time = this.between(Math.max(clock, statusChangedAt) + HOUR_MS, Math.max(clock, statusChangedAt) + 4 * DAY_MS);
      transition(time, clerk, 'WITHDRAWN', from, 'WITHDRAW', { reason: '客户撤回终止请求，订单继续执行。' });
    }

    let applied: AppliedEffect | null = null;
    if (effectiveAt !== null) {
      const from = askedCustomer ? 'AWAITING_CUSTOMER' : 'PENDING_APPROVAL';
      transition(effectiveAt, lastApprover, 'EFFECTIVE', from, askedCustomer ? 'CUSTOMER_ACCEPT' : 'APPROVED_ALL');
      // As the lifecycle does: the impact is computed afresh when the termination takes effect.
      const fresh = this.impactAt(
        batch,
        order,
        {
          reason,
          lines: impact.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
          customerConfirmationRequested: confirmationRequired,
          fault: reason.fault,
        },
        effectiveAt,
      );
      applied = batch.effects.apply(order, fresh, effectiveAt);
      closedAt = this.takeEffect(id, order, fresh, applied, { closed: status === 'CLOSED', effectiveAt, preferred }, tables, audit);
      if (closedAt !== null) transition(closedAt, this.user(this.head('SALES')), 'CLOSED', 'EFFECTIVE', 'ALL_TASKS_DONE');
    } else if (active) {
      batch.effects.hold(order);
    }

    tables.terminations.add([
      id,
      iso(submittedAt),
      number,
      order.order.id,
      order.customerId,
      reason.id,
      rng.pick(EXPLANATIONS[reason.code] ?? EXPLANATIONS.OTHER!),
      status,
      impact.fault,
      impact.scope,
      ref.clerk.id,
      confirmationRequired,
      JSON.stringify(impact),
      applied === null ? null : JSON.stringify(applied.purchaseOrders),
      iso(statusChangedAt),
      isoOrNull(effectiveAt),
      isoOrNull(closedAt),
      version,
    ]);
  }

  /**
   * The settlement and the follow-up checklist of a termination that took effect: all tasks done
   * when closed, some still open otherwise. Returns the closing time.
   */
  private takeEffect(
    terminationId: string,
    order: OrderRow,
    impact: TerminationImpact,
    applied: AppliedEffect,
    course: { closed: boolean; effectiveAt: number; preferred: PreferredResolution | null },
    tables: Tables,
    audit: Audit,
  ): number | null {
    const { rng } = this;
    const { closed, effectiveAt, preferred } = course;
    const planned = planFollowUps(impact, preferred, applied.purchaseOrders);
    audit(effectiveAt, SYSTEM, 'termination.effect_applied', ['Termination', terminationId], {
      ...effectAppliedData({
        orderStatus: applied.orderStatus,
        applied: applied.purchaseOrders,
        impact,
        settlement: { kind: applied.settlementKind, refundDue: impact.refundDue, cancellationFee: impact.cancellationFee },
        taskKinds: planned.map((task) => task.kind),
      }),
    });

    // When not closed, at least one task stays open.
    const openIndex = closed ? -1 : rng.int(0, planned.length - 1);
    let last = effectiveAt;
    for (const [i, task] of planned.entries()) {
      const taskId = randomUUID();
      const done = closed || (i !== openIndex && rng.chance(0.5));
      const completedAt = done ? this.between(effectiveAt + 2 * HOUR_MS, effectiveAt + task.dueInHours * HOUR_MS) : null;
      const by = this.head(task.department);
      const outcome =
        task.kind === 'CUSTOMER_OUTCOME' && done ? (task.outcome ?? rng.pick([...RESOLUTIONS, 'NONE'])) : (task.outcome ?? null);
      tables.tasks.add([
        taskId,
        iso(effectiveAt),
        terminationId,
        task.kind,
        task.department,
        task.instructions,
        iso(effectiveAt + task.dueInHours * HOUR_MS),
        done ? 'DONE' : 'OPEN',
        outcome,
        done ? '已处理 done' : null,
        done ? by.id : null,
        done ? by.name : null,
        isoOrNull(completedAt),
      ]);
      if (completedAt !== null) {
        last = Math.max(last, completedAt);
        audit(completedAt, this.user(by), 'followup.completed', ['FollowUpTask', taskId], {
          kind: task.kind,
          department: task.department,
          note: '已处理 done',
          outcome,
          outcomeDetails: null,
        });
      }
    }
    const closedAt = closed ? Math.min(last + 60_000, NOW - 60_000) : null;
    tables.settlements.add([
      randomUUID(),
      iso(effectiveAt),
      terminationId,
      applied.settlementKind,
      closed ? 'SETTLED' : 'OPEN',
      impact.currency,
      impact.terminatedValue,
      impact.amountPaid,
      impact.cancellationFee,
      impact.refundDue,
      impact.feeOutstanding,
      isoOrNull(closedAt),
    ]);
    return closedAt;
  }
}

/** Exactly `count` statuses in the weighted proportions, every status at least once, shuffled. */
function statusPlan(rng: Random, count: number): TerminationStatus[] {
  const total = STATUS_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const plan: TerminationStatus[] = [];
  for (const [status, weight] of STATUS_WEIGHTS) {
    const n = Math.max(1, Math.round((count * weight) / total));
    for (let i = 0; i < n; i++) plan.push(status);
  }
  while (plan.length > count) plan.splice(plan.indexOf('PENDING_APPROVAL'), 1);
  while (plan.length < count) plan.push('PENDING_APPROVAL');
  return rng.sample(plan, plan.length);
}

/**
 * Appends `opts.terminations` (default 10 000) terminations TR-V-… on open volume orders that
 * have none yet, in every status. Needs the demo seed and the order volume first. Deterministic
 * apart from the uuids and token hashes.
 */
export async function seedTerminationVolume(
  client: pg.Client,
  opts: { terminations?: number; log: (msg: string) => void },
): Promise<{ terminations: number; byStatus: Record<string, number>; ms: number }> {
  const started = performance.now();
  const wanted = opts.terminations ?? 10_000;
  const ref = await loadReference(client);
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from termination where number like 'TR-V-%'`);
  const offset = Number(rows[0]!.n);
  const rng = new Random(0x7e4a0000 + offset);
  const candidates = await loadCandidates(client, rng);
  const available = candidates.old.length + candidates.recent.length;
  const count = Math.min(wanted, available);
  if (count < wanted) opts.log(`termination volume: only ${available} open volume orders without a termination; seeding ${count}`);

  // Terminations that ran their course take old orders; running ones prefer recent orders.
  const plan = statusPlan(rng, count);
  const pickOld = () => candidates.old.pop() ?? candidates.recent.pop()!;
  const pickRecent = () => candidates.recent.pop() ?? candidates.old.pop()!;
  const assignments = plan.map((status) => ({ status, order: ACTIVE.includes(status) ? pickRecent() : pickOld() }));

  const generator = new TerminationGenerator(rng, ref, offset);
  const byStatus: Record<string, number> = {};
  for (let done = 0; done < assignments.length; done += BATCH) {
    const slice = assignments.slice(done, done + BATCH);
    const batchRows = await loadBatchRows(
      client,
      slice.map((a) => a.order.id),
      ref.policy.baseCurrency,
    );
    const batch: Batch = { rows: batchRows, tables: batchTables(), effects: new BatchEffects(batchRows) };
    for (const { status, order } of slice) {
      generator.generate(batchRows.orders.get(order.id)!, status, batch);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
    const { tables } = batch;
    await writeBatch(
      client,
      [tables.terminations, tables.lines, tables.steps, tables.confirmations, tables.settlements, tables.tasks, tables.audit],
      () => batch.effects.write(client),
    );
    const written = done + slice.length;
    if (written % (BATCH * 5) === 0 || written === assignments.length) {
      opts.log(`termination volume: ${written}/${assignments.length} terminations, ${Math.round(performance.now() - started)} ms`);
    }
  }
  await client.query(
    'analyze termination, termination_line, approval_step, customer_confirmation, settlement, follow_up_task, audit_event, sales_order, sales_order_line, reservation, stock_level, purchase_order, purchase_order_line, customer',
  );
  return { terminations: count, byStatus, ms: Math.round(performance.now() - started) };
}
