import type pg from 'pg';
import type { SettlementKind } from '../modules/settlement/settlement.entity.js';
import {
  orderStatusAfterTermination,
  planPurchaseOrderChanges,
  planReservationReleases,
  settlementKindFor,
} from '../modules/termination/effect/effect-plan.js';
import type { TerminationImpact } from '../modules/termination/impact.types.js';
import type { AppliedPurchaseOrderChangeRecord } from '../modules/termination/termination.entity.js';
import type { BatchRows, OrderRow } from './termination-volume-facts.js';

export interface AppliedEffect {
  orderStatus: string;
  purchaseOrders: AppliedPurchaseOrderChangeRecord[];
  settlementKind: SettlementKind;
}

/**
 * Taking effect, for a batch of terminations: the product's effect plan (effect/effect-plan.ts)
 * applied to the batch's rows in memory, and collected into set-based updates written at the end.
 */
export class BatchEffects {
  private readonly orders: { id: string; status: string; before: string | null }[] = [];
  private readonly lines = new Map<string, number>();
  private readonly reservations: { id: string; quantity: number; whole: boolean; at: string }[] = [];
  private readonly stock = new Map<string, { warehouseId: string; productId: string; quantity: number }>();
  private readonly poLines = new Map<string, number>();
  private readonly poStatuses = new Map<string, string>();
  private readonly customers = new Map<string, { count: number; last: number }>();

  constructor(private readonly rows: BatchRows) {}

  /** A running termination holds its order (as the lifecycle does on submission). */
  hold(order: OrderRow): void {
    this.orders.push({ id: order.order.id, status: 'TERMINATION_PENDING', before: order.order.status });
  }

  /** What EffectService.apply does with a freshly computed impact, at `at` (ms). */
  apply(order: OrderRow, impact: TerminationImpact, at: number): AppliedEffect {
    const terminated = new Map(impact.lines.map((l) => [l.lineId, l.quantity]));
    for (const [lineId, quantity] of terminated) this.lines.set(lineId, (this.lines.get(lineId) ?? 0) + quantity);
    const orderStatus = orderStatusAfterTermination(
      order.lines.map((l) => ({ quantity: l.quantity, terminatedQuantity: l.terminatedQuantity + (terminated.get(l.id) ?? 0) })),
    );
    this.orders.push({ id: order.order.id, status: orderStatus, before: null });

    const affected = impact.purchaseOrders.filter((p) => p.lines.some((l) => l.cancelQuantity > 0));
    const pos = affected.map((p) => this.rows.purchaseOrders.get(p.purchaseOrderId)!);
    const poLines = pos.flatMap((po) => this.rows.purchaseOrderLines.get(po.id) ?? []);
    const plan = planPurchaseOrderChanges(affected, pos, poLines);
    // The batch's rows change too: a later order of the batch on the same purchase order sees it.
    for (const { purchaseOrderLineId, quantity } of plan.cancellations) {
      poLines.find((l) => l.id === purchaseOrderLineId)!.cancelledQuantity += quantity;
      this.poLines.set(purchaseOrderLineId, (this.poLines.get(purchaseOrderLineId) ?? 0) + quantity);
    }
    for (const { purchaseOrderId, status } of plan.statusChanges) {
      this.rows.purchaseOrders.get(purchaseOrderId)!.status = status;
      this.poStatuses.set(purchaseOrderId, status);
    }

    const stamp = new Date(at).toISOString();
    for (const release of planReservationReleases(impact.reservations, order.reservations)) {
      const reservation = order.reservations.find((r) => r.id === release.reservationId)!;
      this.reservations.push({ id: reservation.id, quantity: release.quantity, whole: release.whole, at: stamp });
      const key = `${reservation.warehouseId}|${reservation.productId}`;
      const level = this.stock.get(key) ?? { warehouseId: reservation.warehouseId, productId: reservation.productId, quantity: 0 };
      level.quantity += release.quantity;
      this.stock.set(key, level);
    }

    const customer = this.customers.get(order.customerId) ?? { count: 0, last: 0 };
    customer.count += 1;
    customer.last = Math.max(customer.last, at);
    this.customers.set(order.customerId, customer);
    return { orderStatus, purchaseOrders: plan.records, settlementKind: settlementKindFor(impact) };
  }

  /** Writes the changes of the batch, inside its transaction. */
  async write(client: pg.Client): Promise<void> {
    // Each statement reads its data as parallel arrays ($1, $2, …) through unnest; nothing to do without rows.
    const run = async (sql: string, columns: unknown[][]) => {
      if (columns[0]!.length) await client.query(sql, columns);
    };
    const { orders, reservations } = this;
    await run(
      `update sales_order o set status = d.status, status_before_termination = d.before, version = o.version + 1
         from unnest($1::uuid[], $2::text[], $3::text[]) as d(id, status, before) where o.id = d.id`,
      [orders.map((o) => o.id), orders.map((o) => o.status), orders.map((o) => o.before)],
    );
    await run(
      `update sales_order_line l set terminated_quantity = l.terminated_quantity + d.q
         from unnest($1::uuid[], $2::int[]) as d(id, q) where l.id = d.id`,
      [[...this.lines.keys()], [...this.lines.values()]],
    );
    const released = [
      reservations.map((r) => r.id),
      reservations.map((r) => r.quantity),
      reservations.map((r) => r.whole),
      reservations.map((r) => r.at),
    ];
    // Partly released: the rest stays reserved, the released part is kept as a record.
    await run(
      `insert into reservation (id, created_at, sales_order_line_id, warehouse_id, product_id, quantity, status, released_at)
       select gen_random_uuid(), d.at, r.sales_order_line_id, r.warehouse_id, r.product_id, d.q, 'RELEASED', d.at
         from unnest($1::uuid[], $2::int[], $3::bool[], $4::timestamptz[]) as d(id, q, whole, at) join reservation r on r.id = d.id
        where not d.whole`,
      released,
    );
    await run(
      `update reservation r
          set status = case when d.whole then 'RELEASED' else r.status end,
              released_at = case when d.whole then d.at else r.released_at end,
              quantity = case when d.whole then r.quantity else r.quantity - d.q end
         from unnest($1::uuid[], $2::int[], $3::bool[], $4::timestamptz[]) as d(id, q, whole, at) where r.id = d.id`,
      released,
    );
    const levels = [...this.stock.values()];
    await run(
      `update stock_level s set reserved = s.reserved - d.q
         from unnest($1::uuid[], $2::uuid[], $3::int[]) as d(w, p, q) where s.warehouse_id = d.w and s.product_id = d.p`,
      [levels.map((l) => l.warehouseId), levels.map((l) => l.productId), levels.map((l) => l.quantity)],
    );
    await run(
      `update purchase_order_line l set cancelled_quantity = l.cancelled_quantity + d.q
         from unnest($1::uuid[], $2::int[]) as d(id, q) where l.id = d.id`,
      [[...this.poLines.keys()], [...this.poLines.values()]],
    );
    await run(
      `update purchase_order po set status = d.status, version = po.version + 1
         from unnest($1::uuid[], $2::text[]) as d(id, status) where po.id = d.id`,
      [[...this.poStatuses.keys()], [...this.poStatuses.values()]],
    );
    const customers = [...this.customers.entries()];
    await run(
      `update customer c set termination_count = c.termination_count + d.n,
              last_termination_at = greatest(c.last_termination_at, d.last)
         from unnest($1::uuid[], $2::int[], $3::timestamptz[]) as d(id, n, last) where c.id = d.id`,
      [customers.map(([id]) => id), customers.map(([, c]) => c.count), customers.map(([, c]) => new Date(c.last).toISOString())],
    );
  }
}
