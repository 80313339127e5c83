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

/** What to read besides the facts, in the same statement. */
export interface FactsExtras {
  /** Another termination of the order that does not count as running (it is the one being recomputed). */
  excludeTerminationId?: string | null;
  /** The reason's row by code (the submission has not read it yet). */
  reasonCode?: string;
  /** Draws the next termination number (the submission; a refused one leaves a gap, as a rollback always did). */
  drawNumber?: boolean;
  /** The idempotency record under this key (the submission's replay check, after the order's lock). */
  idempotency?: { scope: string; key: string } | null;
}

export interface FactsRead {
  facts: Omit<ImpactFacts, 'order'>;
  /** The termination_reason row (column names), when `reasonCode` was given and it exists. */
  reasonRow: Record<string, unknown> | null;
  /** The drawn value of termination_number_seq, when asked. */
  number: string | null;
  /** The idempotency record under the key asked for, expired or not; null when there is none. */
  idempotencyRecord: StoredRecord | null;
}

interface Row {
  reason: Record<string, unknown> | null;
  number: string | null;
  idempotency: { requestHash: string; result: Record<string, unknown>; expiresAt: string } | null;
  contract: ImpactFacts['contract'];
  lines: OrderLineFacts[];
  running: string | null;
  purchase_orders: PurchaseOrderFacts[];
  purchase_order_lines: PurchaseOrderLineFacts[];
  reservations: ReservationFacts[];
  shipments: ShipmentFacts[];
  invoice_amounts: string[];
  payment_amounts: string[];
  rate: string | null;
  rules: RouteRule[];
}

/*
 * Everything the impact of one order is computed from, in ONE statement: each part is a scalar
 * subquery aggregated to JSON, so the statement costs one round trip however many lines, purchase
 * orders or reservations the order has. It reads under the statement's snapshot, which is why the
 * caller takes the order's row lock in a statement of its own BEFORE this one: a submission that
 * waited for the lock then reads what the one before it committed.
 */
const FACTS_SQL = `
with ord as (select o.id, o.contract_id, o.currency from sales_order o where o.id = ?::uuid),
     line as (select l.id from sales_order_line l where l.order_id = (select id from ord)),
     buying as (select distinct pol.purchase_order_id as id from purchase_order_line pol where pol.sales_order_line_id in (select id from line))
select
  (select to_jsonb(r) from termination_reason r where r.code = ?::text) as reason,
  case when ?::boolean then nextval('termination_number_seq')::text end as number,
  (select json_build_object('requestHash', i.request_hash, 'result', i.result, 'expiresAt', i.expires_at)
     from idempotency_record i where i.scope = ?::text and i.key = ?::text) as idempotency,
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
     from purchase_order po join supplier s on s.id = po.supplier_id where po.id in (select id from buying)) as purchase_orders,
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
    where pol.purchase_order_id in (select id from buying)) as purchase_order_lines,
  (select coalesce(json_agg(json_build_object('id', r.id, 'salesOrderLineId', r.sales_order_line_id, 'sku', p.sku,
            'warehouseCode', w.code, 'warehouseName', w.name, 'quantity', r.quantity) order by r.created_at, r.id), '[]')
     from reservation r join warehouse w on w.id = r.warehouse_id join product p on p.id = r.product_id
    where r.sales_order_line_id in (select id from line) and r.status = 'ACTIVE') as reservations,
  (select coalesce(json_agg(json_build_object('salesOrderLineId', sh.line_id, 'number', sh.number, 'sku', p.sku,
            'quantity', sh.quantity, 'status', sh.status, 'carrier', sh.carrier) order by sh.shipped_at, sh.id), '[]')
     from shipment sh join sales_order_line l on l.id = sh.line_id join product p on p.id = l.product_id
    where sh.line_id in (select id from line)) as shipments,
  array(select i.amount::text from invoice i where i.order_id = ord.id) as invoice_amounts,
  array(select pa.amount::text from payment pa where pa.order_id = ord.id) as payment_amounts,
  ${rateSql('ord.currency', '?::date')}::text as rate,
  (select coalesce(json_agg(json_build_object('code', a.code, 'department', a.department, 'stage', a.stage,
            'slaHours', a.sla_hours, 'condition', a.condition) order by a.stage, a.department, a.created_at, a.id), '[]')
     from approval_rule a where a.active) as rules
from ord`;

/**
 * The impact facts of the order `orderId` (without the order itself, which the caller holds) and
 * the `extras` asked for. Null when there is no such order.
 */
export async function readImpactFacts(
  em: EntityManager,
  orderId: string,
  baseCurrency: string,
  now: Date,
  extras: FactsExtras = {},
): Promise<FactsRead | null> {
  const [row] = await em.getConnection().execute<Row[]>(
    FACTS_SQL,
    [
      orderId,
      extras.reasonCode ?? null,
      extras.drawNumber ?? false,
      extras.idempotency?.scope ?? null,
      extras.idempotency?.key ?? null,
      extras.excludeTerminationId ?? null,
      // rateSql: the base currency twice, then the day.
      baseCurrency,
      baseCurrency,
      now.toISOString().slice(0, 10),
    ],
    'all',
    em.getTransactionContext(),
  );
  if (!row) return null;
  // A purchase order's place is where its first line (by id) is, as the ORM read had them.
  const firstLine = new Map<string, number>();
  row.purchase_order_lines.forEach((l, i) => firstLine.has(l.purchaseOrderId) || firstLine.set(l.purchaseOrderId, i));
  const purchaseOrders = [...row.purchase_orders].sort((a, b) => firstLine.get(a.id)! - firstLine.get(b.id)!);
  return {
    reasonRow: row.reason,
    number: row.number,
    idempotencyRecord: row.idempotency && { ...row.idempotency, expiresAt: new Date(row.idempotency.expiresAt) },
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
      approvalRules: row.rules,
    },
  };
}
