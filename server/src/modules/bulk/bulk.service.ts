import { mayTerminateInBulk } from '@ot/shared';
import { randomUUID } from 'node:crypto';
import { jobActor } from '../../kernel/actor.js';
import { createContext, type RequestContext } from '../../kernel/context.js';
import type { EventPublisher } from '../../kernel/live-events.js';
import { enqueueJob, JOBS } from '../../kernel/jobs.js';
import { ErrorResult } from '../../common/error-result.js';
import { ForbiddenActionError, InputError, NotFoundError, refuse, resultOf } from '../../common/business-errors.js';
import type { FaultInjector } from '../../kernel/faults.js';
import { parseId } from '../../common/errors.js';
import { inTransaction } from '../../kernel/transaction.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import { findReplay, idempotencyClaim, saveReplay } from '../../kernel/idempotency.js';
import { User } from '../identity/user.entity.js';
import { Product, ProductStatus } from '../order/product.entity.js';
import { TerminationFault, TerminationReason } from '../termination/termination-reason.entity.js';
import type { TerminationService } from '../termination/termination.service.js';
import { BulkRunStatus, BulkTerminationItem, BulkTerminationRun } from './bulk-run.entity.js';

interface AffectedOrder {
  order_id: string;
  number: string;
  customer: string;
  currency: string;
  open_quantity: number;
  open_value: string;
  lines: { lineId: string; quantity: number }[];
  blocked_by: string | null;
}

/** Open lines of a product, per order; `blocked_by` names a running termination. */
const AFFECTED_SQL = `
  select o.id as order_id, o.number, c.name as customer, o.currency,
         sum(l.quantity - l.shipped_quantity - l.terminated_quantity)::int as open_quantity,
         sum((l.quantity - l.shipped_quantity - l.terminated_quantity) * l.unit_price)::numeric(16,2)::text as open_value,
         json_agg(json_build_object('lineId', l.id, 'quantity', l.quantity - l.shipped_quantity - l.terminated_quantity) order by l.line_no) as lines,
         (select t.number from termination t where t.order_id = o.id and t.status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER') limit 1) as blocked_by
    from sales_order_line l
    join product p on p.id = l.product_id
    join sales_order o on o.id = l.order_id
    join customer c on c.id = o.customer_id
   where p.sku = ? and l.quantity > l.shipped_quantity + l.terminated_quantity and o.status <> 'TERMINATED'`;

export class BulkTerminationService {
  constructor(
    private readonly terminations: TerminationService,
    private readonly events: EventPublisher,
    private readonly faults: FaultInjector,
    private readonly domainEvents: DomainEvents,
    /** Orders per chunk (one transaction each): progress is published and a crash loses nothing between chunks. */
    private readonly batchSize = 200,
  ) {}

  /** Every open order line with the product: what a bulk run would do. */
  async impact(ctx: RequestContext, productSku: string) {
    const sku = productSku.trim().slice(0, 32);
    const product = await ctx.em.findOne(Product, { sku });
    const orders = await ctx.em
      .getConnection()
      .execute<AffectedOrder[]>(`${AFFECTED_SQL} group by o.id, o.number, c.name, o.currency order by o.number`, [sku]);
    // By the PO line's own product (always its sales-order line's): the open lines' partial index.
    const purchaseOrders = await ctx.em
      .getConnection()
      .execute<{ number: string; supplier_name: string; status: string; open_quantity: number; orders: number }[]>(
        `select po.number, s.name as supplier_name, po.status, sum(pol.quantity - pol.received_quantity - pol.cancelled_quantity)::int as open_quantity,
              count(distinct l.order_id)::int as orders
         from purchase_order_line pol join purchase_order po on po.id = pol.purchase_order_id join supplier s on s.id = po.supplier_id
         join sales_order_line l on l.id = pol.sales_order_line_id join product p on p.id = pol.product_id
        where p.sku = ? and pol.quantity > pol.received_quantity + pol.cancelled_quantity and po.status not in ('CANCELLED', 'RECEIVED')
        group by po.number, s.name, po.status order by po.number`,
        [sku],
      );
    const totals = new Map<string, number>();
    for (const o of orders) totals.set(o.currency, (totals.get(o.currency) ?? 0) + Math.round(Number(o.open_value) * 100));
    return {
      productSku: sku,
      product,
      orderCount: orders.length,
      openQuantity: orders.reduce((n, o) => n + o.open_quantity, 0),
      openValueByCurrency: [...totals].map(([currency, cents]) => ({ currency, amount: (cents / 100).toFixed(2) })),
      orders: orders.slice(0, 500).map((o) => ({
        orderNumber: o.number,
        customerName: o.customer,
        currency: o.currency,
        openQuantity: o.open_quantity,
        openValue: o.open_value,
        blockedBy: o.blocked_by,
      })),
      blockedCount: orders.filter((o) => o.blocked_by).length,
      purchaseOrders: purchaseOrders.map((p) => ({
        number: p.number,
        supplierName: p.supplier_name,
        status: p.status,
        openQuantity: p.open_quantity,
        orderCount: p.orders,
      })),
    };
  }

  /** Marks the product discontinued and queues the run; returns at once. */
  async start(ctx: RequestContext, input: { productSku: string; reasonCode: string; explanation: string; idempotencyKey?: string | null }) {
    const claim = idempotencyClaim(ctx, 'terminateDiscontinuedProduct', input.idempotencyKey, input);
    return resultOf(async () => {
      if (ctx.actor?.kind !== 'user' || !mayTerminateInBulk(ctx.actor)) {
        refuse(ForbiddenActionError, 'FORBIDDEN_ACTION', 'Only an administrator or the head of sales may terminate a product in bulk.');
      }
      const explanation = input.explanation.trim();
      if (!explanation) refuse(InputError, 'VALIDATION_FAILED', 'Give an explanation.', { field: 'explanation' });
      const actor = ctx.actor;
      return inTransaction(ctx, async (scope) => {
        const { em } = scope;
        if (claim) {
          const replay = await findReplay(em, claim);
          if (replay) return em.findOneOrFail(BulkTerminationRun, { id: String(replay.runId) });
        }
        const product = await em.findOne(Product, { sku: input.productSku.trim() });
        if (!product) refuse(NotFoundError, 'NOT_FOUND', `There is no product ${input.productSku.slice(0, 32)}.`);
        const reason = await em.findOne(TerminationReason, { code: input.reasonCode.trim(), active: true });
        if (!reason) refuse(NotFoundError, 'NOT_FOUND', `There is no active reason ${input.reasonCode.slice(0, 40)}.`);
        product.status = ProductStatus.DISCONTINUED;
        const run = em.create(BulkTerminationRun, {
          productSku: product.sku,
          reasonCode: reason.code,
          explanation,
          status: BulkRunStatus.QUEUED,
          requestedBy: em.getReference(User, actor.userId),
        });
        await em.flush();
        await enqueueJob(em, JOBS.bulkTermination, { runId: run.id }, { jobKey: `bulk:${run.id}`, maxAttempts: 25 });
        await this.domainEvents.record(
          scope,
          actor,
          'bulk.started',
          { productSku: product.sku, reason: reason.code },
          { entity: { type: 'BulkTerminationRun', id: run.id } },
        );
        if (claim) await saveReplay(em, claim, { runId: run.id });
        return run;
      });
    });
  }

  get(ctx: RequestContext, id: string) {
    return ctx.em.findOne(BulkTerminationRun, { id: parseId(id) });
  }

  list(ctx: RequestContext) {
    return ctx.em.find(BulkTerminationRun, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 50 });
  }

  items(ctx: RequestContext, runId: string) {
    return ctx.em.find(BulkTerminationItem, { run: runId }, { populate: ['order'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: 1000 });
  }

  /**
   * The job. Orders that already have a termination of this run, or a recorded skip, are
   * passed over, so a run interrupted anywhere resumes where it stopped without duplicates.
   */
  async process(base: Omit<RequestContext, 'actor' | 'loaders'>, runId: string): Promise<void> {
    const em = base.em.fork();
    const run = await em.findOne(BulkTerminationRun, { id: runId }, { populate: ['requestedBy'] });
    if (!run || run.status === BulkRunStatus.COMPLETED) return;
    const user = await em.findOneOrFail(User, { id: run.requestedBy.id }, { populate: ['department'] });
    const ctx = createContext({
      ...base,
      em,
      actor: jobActor(user, `bulk:${run.id}`),
    });
    if (run.status === BulkRunStatus.QUEUED) {
      const [{ n }] = await em
        .getConnection()
        .execute<{ n: number }[]>(`select count(*)::int as n from (${AFFECTED_SQL} group by o.id, o.number, c.name, o.currency) o`, [
          run.productSku,
        ]);
      run.total = n;
      run.status = BulkRunStatus.RUNNING;
      run.startedAt = new Date();
      await em.flush();
      this.publish(run);
    }
    // The orders still to do, read once: a restarted job reads them again, so none is done twice.
    const pending = (s: string) => `${AFFECTED_SQL}
           and not exists (select 1 from termination t where t.order_id = o.id and t.bulk_run_id = ?)
           and not exists (select 1 from bulk_termination_item i where i.order_id = o.id and i.run_id = ?)
           ${s}
         group by o.id, o.number, c.name, o.currency order by o.number`;
    const todo = (await em.getConnection().execute<AffectedOrder[]>(pending(''), [run.productSku, run.id, run.id])).map((o) => o.order_id);
    for (let done = 0; done < todo.length; done += this.batchSize) {
      // Each chunk's lines as they are now, and only the orders still to do (a twin worker may have done some).
      const chunk = await em
        .getConnection()
        .execute<AffectedOrder[]>(pending(`and o.id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`), [
          run.productSku,
          run.id,
          run.id,
          JSON.stringify(todo.slice(done, done + this.batchSize)),
        ]);
      if (chunk.length) await this.terminateChunk(ctx, run, chunk);
      await this.recount(em, run);
      this.publish(run);
      this.faults.check('bulk.afterBatch');
    }
    run.status = BulkRunStatus.COMPLETED;
    run.finishedAt = new Date();
    await this.recount(em, run);
    this.publish(run);
  }

  /**
   * A chunk of orders in one transaction (TerminationService.submitMany: the same impact, routing
   * and refusals as one-by-one submission, a constant number of statements); the refused orders
   * are recorded with their reason in one more statement. Should the chunk fail as a whole (an
   * unexpected error rolls it back), its orders are submitted one by one, so that one bad order
   * is recorded as FAILED and the others still go through.
   */
  private async terminateChunk(ctx: RequestContext, run: BulkTerminationRun, chunk: AffectedOrder[]): Promise<void> {
    let results: Awaited<ReturnType<TerminationService['submitMany']>>;
    try {
      results = await this.terminations.submitMany(
        ctx,
        chunk.map((o) => ({ orderId: o.order_id, lines: o.lines })),
        // Discontinuing a product is our decision, whatever reason was picked: no customer pays a fee for it.
        { reasonCode: run.reasonCode, explanation: run.explanation, fault: TerminationFault.SELLER, bulkRunId: run.id },
      );
    } catch (error) {
      ctx.logger.warn({ err: error, runId: run.id }, 'bulk chunk failed as a whole; its orders are submitted one by one');
      for (const order of chunk) await this.terminateOne(ctx, run, order);
      return;
    }
    const refused = chunk.flatMap((o) => {
      const result = results.get(o.order_id)!;
      return 'refusal' in result ? [{ order: o, refusal: result.refusal }] : [];
    });
    // A twin worker on the same run got there first: that is this run's termination, not a skip.
    const active = refused.filter((r) => r.refusal.code === 'ACTIVE_TERMINATION_EXISTS').map((r) => r.order.order_id);
    const ours = new Set(
      active.length
        ? (
            await ctx.em
              .getConnection()
              .execute<{ order_id: string }[]>(
                `select order_id from termination where bulk_run_id = ? and order_id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
                [run.id, JSON.stringify(active)],
              )
          ).map((r) => r.order_id)
        : [],
    );
    await this.recordOutcomes(
      ctx,
      run,
      refused
        .filter((r) => !ours.has(r.order.order_id))
        .map((r) => ({ orderId: r.order.order_id, failed: false, code: r.refusal.code, message: r.refusal.message })),
    );
  }

  private async terminateOne(ctx: RequestContext, run: BulkTerminationRun, order: AffectedOrder): Promise<void> {
    let outcome: { code: string; message: string; failed: boolean } | null = null;
    try {
      const result = await this.terminations.submit(
        createContext({ ...ctx, em: ctx.em.fork() }),
        { orderNumber: order.number, reasonCode: run.reasonCode, explanation: run.explanation, lines: order.lines },
        // Discontinuing a product is our decision, whatever reason was picked: no customer pays a fee for it.
        { bulkRunId: run.id, fault: TerminationFault.SELLER },
      );
      if (result instanceof ErrorResult) outcome = { code: result.code, message: result.message, failed: false };
      // A twin worker on the same run got there first: that is this run's termination, not a skip.
      if (outcome?.code === 'ACTIVE_TERMINATION_EXISTS') {
        const ours = await ctx.em
          .getConnection()
          .execute(`select 1 from termination where order_id = ? and bulk_run_id = ?`, [order.order_id, run.id]);
        if (ours.length) return;
      }
    } catch (error) {
      ctx.logger.error({ err: error, order: order.number, runId: run.id }, 'bulk termination of one order failed');
      outcome = { code: 'INTERNAL_ERROR', message: 'Unexpected error; see the server log.', failed: true };
    }
    if (!outcome) return;
    await this.recordOutcomes(ctx, run, [{ orderId: order.order_id, ...outcome }]);
  }

  /** Why these orders of the run got no termination, in one statement (a second record of an order is a no-op). */
  private async recordOutcomes(
    ctx: RequestContext,
    run: BulkTerminationRun,
    outcomes: { orderId: string; failed: boolean; code: string; message: string }[],
  ): Promise<void> {
    if (!outcomes.length) return;
    const rows = outcomes.map((o) => ({
      id: randomUUID(),
      order_id: o.orderId,
      outcome: o.failed ? 'FAILED' : 'SKIPPED',
      code: o.code,
      message: o.message.slice(0, 1000),
    }));
    await ctx.em.getConnection().execute(
      `insert into bulk_termination_item (id, created_at, run_id, order_id, outcome, code, message)
       select r.id, now(), ?, r.order_id, r.outcome, r.code, r.message
         from json_to_recordset(?::json) as r(id uuid, order_id uuid, outcome text, code text, message text)
       on conflict (run_id, order_id) do nothing`,
      [run.id, JSON.stringify(rows)],
    );
  }

  private async recount(em: RequestContext['em'], run: BulkTerminationRun): Promise<void> {
    const [c] = await em.getConnection().execute<{ created: number; skipped: number; failed: number }[]>(
      `select (select count(*)::int from termination where bulk_run_id = ?) as created,
              (select count(*)::int from bulk_termination_item where run_id = ? and outcome = 'SKIPPED') as skipped,
              (select count(*)::int from bulk_termination_item where run_id = ? and outcome = 'FAILED') as failed`,
      [run.id, run.id, run.id],
    );
    Object.assign(run, c);
    await em.flush();
  }

  private publish(run: BulkTerminationRun): void {
    this.events.bulkRun({
      runId: run.id,
      status: run.status,
      total: run.total,
      created: run.created,
      skipped: run.skipped,
      failed: run.failed,
      at: new Date().toISOString(),
    });
  }

  /** After a crash: runs left QUEUED or RUNNING get their job back. */
  async resumeInterrupted(em: RequestContext['em']): Promise<number> {
    const runs = await em.find(BulkTerminationRun, { status: { $in: [BulkRunStatus.QUEUED, BulkRunStatus.RUNNING] } });
    for (const run of runs) {
      await em.transactional((tx) =>
        enqueueJob(tx, JOBS.bulkTermination, { runId: run.id }, { jobKey: `bulk:${run.id}`, maxAttempts: 25 }),
      );
    }
    return runs.length;
  }
}
