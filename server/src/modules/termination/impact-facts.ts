import type { EntityManager } from '@mikro-orm/postgresql';
import { ACTIVE_STATUSES } from '@ot/shared';
import { rateSql } from '../currency/currency.js';
import type { RouteRule } from '../approval/approval-route.js';
import type { StoredRecord } from '../../kernel/idempotency.js';
import type {
  ImpactFacts,
  OrderLineFacts,
  PurchaseOrderFacts,
  PurchaseOrderLineFacts,
  ReservationFacts,
  ShipmentFacts,
} from './impact-calculation.js';

/*
 * The ONE reader of the facts an impact is computed from, for one order (preview, submission,
 * effect, fee adjustment) or for many in the same statement (a bulk run's chunk, the volume seed).
 */

/** What to read besides the facts, in the same statement. */
export interface FactsExtras {
  /** Another termination of the order that does not count as running (it is the one being recomputed). */
  excludeTerminationId?: string | null;
  /** The reason's row by code (the submission has not read it yet). */
  reasonCode?: string;
  /** Draws the next termination number for each order (a refused one leaves a gap, as a rollback always did). */
  drawNumber?: boolean;
  /** The idempotency record under this key (the submission's replay check, after the order's lock). */
  idempotency?: { scope: string; key: string } | null;
  /** The order's own row, its customer and its day (readers that do not hold the order, e.g. the volume seed). */
  orderRow?: boolean;
}

/** An active reservation, with the stock level releasing it changes (the impact itself does not read these). */
export interface ReservationRow extends ReservationFacts {
  warehouseId: string;
  productId: string;
}

/** The order as a reader that does not hold it sees it (FactsExtras.orderRow). */
export interface OrderRowFacts {
  order: ImpactFacts['order'];
  customerId: string;
  customerEmail: string;
  /** Midnight of the order date, China time (ms). */
  orderDay: number;
}

export interface FactsRead {
  facts: Omit<ImpactFacts, 'order' | 'reservations'> & { reservations: ReservationRow[] };
  /** The termination_reason row (column names), when `reasonCode` was given and it exists. */
  reasonRow: Record<string, unknown> | null;
  /** The drawn value of termination_number_seq, when asked. */
  number: string | null;
  /** The idempotency record under the key asked for, expired or not; null when there is none. */
  idempotencyRecord: StoredRecord | null;
  /** With FactsExtras.orderRow. */
  orderRow: OrderRowFacts | null;
}

interface Row {
  order_id: string;
  reason: Record<string, unknown> | null;
  number: string | null;
  idempotency: { requestHash: string; result: Record<string, unknown>; expiresAt: string } | null;
  order_row: OrderRowFacts | null;
  contract: ImpactFacts['contract'];
  lines: OrderLineFacts[];
  running: string | null;
  purchase_orders: PurchaseOrderFacts[];
  purchase_order_lines: PurchaseOrderLineFacts[];
  reservations: ReservationRow[];
  shipments: ShipmentFacts[];
  invoice_amounts: string[];
  payment_amounts: string[];
  rate: string | null;
  rules: RouteRule[] | null;
}

/** Runs a statement written with `?` placeholders on the caller's connection (and transaction). */
export type FactsQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** The query of an entity manager, inside its transaction when it has one. */
export function emQuery(em: EntityManager): FactsQuery {
  return (sql, params) => em.getConnection().execute(sql, params, 'all', em.getTransactionContext());
}

/*
 * Everything the impacts of the orders are computed from, in ONE statement: one row per order,
 * each part a scalar subquery aggregated to JSON, so the statement costs one round trip however
 * many orders, lines, purchase orders or reservations there are. What is the same for every
 * order (the reason, the idempotency record, the approval rules) is read on the first row only.
 * It reads under the statement's snapshot, which is why callers take the orders' row locks in a
 * statement of their own BEFORE this one: a submission that waited for a lock then reads what
 * the one before it committed.
 */
const FACTS_SQL = `
with ord as (
  select o.id, o.contract_id, o.currency, row_number() over (order by o.id) as n
    from sales_order o where o.id in (select (jsonb_array_elements_text(?::jsonb))::uuid))
select
  ord.id as order_id,
  case when ord.n = 1 then (select to_jsonb(r) from termination_reason r where r.code = ?::text) end as reason,
  case when ?::boolean then nextval('termination_number_seq')::text end as number,
  case when ord.n = 1 then (select json_build_object('requestHash', i.request_hash, 'result', i.result, 'expiresAt', i.expires_at)
     from idempotency_record i where i.scope = ?::text and i.key = ?::text) end as idempotency,
  case when ?::boolean then (select json_build_object(
       'order', json_build_object('id', o.id, 'number', o.number, 'status', o.status, 'stage', o.stage, 'currency', o.currency,
                                 'totalAmount', o.total_amount::text, 'requestedDeliveryDate', o.requested_delivery_date::text),
       'customerId', o.customer_id, 'customerEmail', c.email,
       'orderDay', extract(epoch from o.order_date::timestamp at time zone 'Asia/Shanghai')::float8 * 1000)
     from sales_order o join customer c on c.id = o.customer_id where o.id = ord.id) end as order_row,
  (select json_build_object('feeSchedule', c.fee_schedule, 'clauses', c.clauses, 'noticeDays', c.notice_days,
                            'customerConfirmationRequired', c.customer_confirmation_required)
     from contract c where c.id = ord.contract_id) as contract,
  (select coalesce(json_agg(json_build_object('id', l.id, 'lineNo', l.line_no, 'sku', p.sku, 'productName', p.name,
            'quantity', l.quantity, 'openQuantity', l.quantity - l.shipped_quantity - l.terminated_quantity,
            'terminatedQuantity', l.terminated_quantity, 'unitPrice', l.unit_price::text) order by l.line_no), '[]')
     from sales_order_line l join product p on p.id = l.product_id where l.order_id = ord.id) as lines,
  (select t.number from termination t
    where t.order_id = ord.id and t.status in (${ACTIVE_STATUSES.map((status) => `'${status}'`).join(', ')}) and t.id is distinct from ?::uuid limit 1) as running,
  (select coalesce(json_agg(json_build_object('id', po.id, 'number', po.number, 'supplierName', s.name, 'status', po.status,
            'currency', po.currency, 'cancellationPenaltyRate', po.cancellation_penalty_rate::text)), '[]')
     from purchase_order po join supplier s on s.id = po.supplier_id
    where po.id in (select b.purchase_order_id from purchase_order_line b join sales_order_line bl on bl.id = b.sales_order_line_id
                     where bl.order_id = ord.id)) as purchase_orders,
  (select coalesce(json_agg(json_build_object('id', pol.id, 'purchaseOrderId', pol.purchase_order_id,
            'salesOrderLineId', pol.sales_order_line_id,
            'salesOrder', json_build_object('id', so.id, 'number', so.number, 'customerName', cu.name),
            'sku', p.sku, 'quantity', pol.quantity, 'receivedQuantity', pol.received_quantity,
            'cancelledQuantity', pol.cancelled_quantity, 'unitCost', pol.unit_cost::text) order by pol.id), '[]')
     from purchase_order_line pol
     join sales_order_line sol on sol.id = pol.sales_order_line_id
     join sales_order so on so.id = sol.order_id
     join customer cu on cu.id = so.customer_id
     join product p on p.id = pol.product_id
    where pol.purchase_order_id in (select b.purchase_order_id from purchase_order_line b join sales_order_line bl on bl.id = b.sales_order_line_id
                                     where bl.order_id = ord.id)) as purchase_order_lines,
  (select coalesce(json_agg(json_build_object('id', r.id, 'salesOrderLineId', r.sales_order_line_id, 'sku', p.sku,
            'warehouseCode', w.code, 'warehouseName', w.name, 'quantity', r.quantity,
            'warehouseId', r.warehouse_id, 'productId', r.product_id) order by r.created_at, r.id), '[]')
     from reservation r join sales_order_line l on l.id = r.sales_order_line_id
     join warehouse w on w.id = r.warehouse_id join product p on p.id = r.product_id
    where l.order_id = ord.id and r.status = 'ACTIVE') as reservations,
  (select coalesce(json_agg(json_build_object('salesOrderLineId', sh.line_id, 'number', sh.number, 'sku', p.sku,
            'quantity', sh.quantity, 'status', sh.status, 'carrier', sh.carrier) order by sh.shipped_at, sh.id), '[]')
     from shipment sh join sales_order_line l on l.id = sh.line_id join product p on p.id = l.product_id
    where l.order_id = ord.id) as shipments,
  array(select i.amount::text from invoice i where i.order_id = ord.id) as invoice_amounts,
  array(select pa.amount::text from payment pa where pa.order_id = ord.id) as payment_amounts,
  ${rateSql('ord.currency', '?::date')}::text as rate,
  case when ord.n = 1 then (select coalesce(json_agg(json_build_object('code', a.code, 'department', a.department, 'stage', a.stage,
            'slaHours', a.sla_hours, 'condition', a.condition) order by a.stage, a.department, a.created_at, a.id), '[]')
     from approval_rule a where a.active) end as rules
from ord
order by ord.n`;

/**
 * The impact facts of the orders `orderIds` (without the order itself, unless `extras.orderRow`)
 * and the `extras` asked for, by order id; an order that does not exist is missing from the map.
 */
export async function readImpactFactsOf(
  query: FactsQuery,
  orderIds: readonly string[],
  baseCurrency: string,
  now: Date,
  extras: FactsExtras = {},
): Promise<Map<string, FactsRead>> {
  const read = new Map<string, FactsRead>();
  if (!orderIds.length) return read;
  const rows = await query<Row>(FACTS_SQL, [
    JSON.stringify(orderIds),
    extras.reasonCode ?? null,
    extras.drawNumber ?? false,
    extras.idempotency?.scope ?? null,
    extras.idempotency?.key ?? null,
    extras.orderRow ?? false,
    extras.excludeTerminationId ?? null,
    // rateSql: the base currency twice, then the day.
    baseCurrency,
    baseCurrency,
    now.toISOString().slice(0, 10),
  ]);
  const first = rows[0];
  for (const row of rows) {
    // A purchase order's place is where its first line (by id) is, as the ORM read had them.
    const firstLine = new Map<string, number>();
    row.purchase_order_lines.forEach((l, i) => firstLine.has(l.purchaseOrderId) || firstLine.set(l.purchaseOrderId, i));
    const purchaseOrders = [...row.purchase_orders].sort((a, b) => firstLine.get(a.id)! - firstLine.get(b.id)!);
    read.set(row.order_id, {
      reasonRow: first!.reason,
      number: row.number,
      idempotencyRecord: first!.idempotency && { ...first!.idempotency, expiresAt: new Date(first!.idempotency.expiresAt) },
      orderRow: row.order_row,
      facts: {
        contract: row.contract,
        lines: row.lines,
        runningTermination: row.running,
        purchaseOrders,
        purchaseOrderLines: row.purchase_order_lines,
        reservations: row.reservations,
        shipments: row.shipments,
        invoiceAmounts: row.invoice_amounts,
        paymentAmounts: row.payment_amounts,
        baseCurrency,
        exchangeRate: row.rate,
        approvalRules: first!.rules ?? [],
      },
    });
  }
  return read;
}

/** The facts of one order (see readImpactFactsOf); null when there is no such order. */
export async function readImpactFacts(
  em: EntityManager,
  orderId: string,
  baseCurrency: string,
  now: Date,
  extras: FactsExtras = {},
): Promise<FactsRead | null> {
  return (await readImpactFactsOf(emQuery(em), [orderId], baseCurrency, now, extras)).get(orderId) ?? null;
}
