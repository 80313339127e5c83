import type pg from 'pg';
import type { RouteRule } from '../modules/approval/approval-route.js';
import type {
  ImpactFacts,
  OrderLineFacts,
  PurchaseOrderFacts,
  PurchaseOrderLineFacts,
  ReservationFacts,
  ShipmentFacts,
} from '../modules/termination/impact-calculation.js';

/*
 * The facts the product's impact calculation reads, loaded with a handful of SQL statements for a
 * whole batch of orders instead of through the ORM order by order.
 */

/** An active reservation, with what releasing it changes besides itself. */
export interface ReservationRow extends ReservationFacts {
  warehouseId: string;
  productId: string;
}

export interface OrderRow {
  order: ImpactFacts['order'];
  contract: ImpactFacts['contract'];
  lines: OrderLineFacts[];
  purchaseOrderIds: string[];
  reservations: ReservationRow[];
  shipments: ShipmentFacts[];
  invoiceAmounts: string[];
  paymentAmounts: string[];
  customerId: string;
  customerEmail: string;
  /** Midnight of the order date, China time (ms). */
  orderDay: number;
}

/**
 * The rows of one batch. A purchase order shared by two orders of the batch is one object, so that
 * what the first termination's effect cancels is what the second one's impact sees.
 */
export interface BatchRows {
  orders: Map<string, OrderRow>;
  purchaseOrders: Map<string, PurchaseOrderFacts>;
  purchaseOrderLines: Map<string, PurchaseOrderLineFacts[]>;
}

/** What does not change from order to order: the approval rules and the exchange rates. */
export interface Policy {
  baseCurrency: string;
  approvalRules: RouteRule[];
  /** Rates into the base currency by currency, latest first. */
  rates: Map<string, { validFrom: string; rate: string }[]>;
}

export async function loadPolicy(client: pg.Client): Promise<Policy> {
  const baseCurrency = (process.env.BASE_CURRENCY || 'CNY').trim().toUpperCase();
  const rules = await client.query<RouteRule>(
    `select code, department, stage, sla_hours as "slaHours", condition from approval_rule where active order by stage, department, created_at, id`,
  );
  const rates = await client.query<{ from_currency: string; rate: string; valid_from: string }>(
    `select from_currency, rate::text as rate, valid_from::text as valid_from from exchange_rate where to_currency = $1
      order by from_currency, valid_from desc`,
    [baseCurrency],
  );
  const byCurrency = new Map<string, { validFrom: string; rate: string }[]>();
  for (const r of rates.rows)
    byCurrency.set(r.from_currency, [...(byCurrency.get(r.from_currency) ?? []), { validFrom: r.valid_from, rate: r.rate }]);
  return {
    baseCurrency,
    approvalRules: rules.rows,
    rates: byCurrency,
  };
}

/** The rate of `currency` into the base currency on the (UTC) day of `at`, as ExchangeRateService.rateOn reads it. */
function rateOn(policy: Policy, currency: string, at: Date): string | null {
  if (currency === policy.baseCurrency) return '1';
  const day = at.toISOString().slice(0, 10);
  return policy.rates.get(currency)?.find((r) => r.validFrom <= day)?.rate ?? null;
}

/** The impact facts of one order of the batch as they stand now; `at` picks the exchange rate. */
export function factsOf(rows: BatchRows, order: OrderRow, policy: Policy, at: Date): ImpactFacts {
  return {
    order: order.order,
    contract: order.contract,
    lines: order.lines,
    // Every order seeded has no termination before its own.
    runningTermination: null,
    purchaseOrders: order.purchaseOrderIds.map((id) => rows.purchaseOrders.get(id)!),
    purchaseOrderLines: order.purchaseOrderIds.flatMap((id) => rows.purchaseOrderLines.get(id) ?? []),
    reservations: order.reservations,
    shipments: order.shipments,
    invoiceAmounts: order.invoiceAmounts,
    paymentAmounts: order.paymentAmounts,
    baseCurrency: policy.baseCurrency,
    exchangeRate: rateOn(policy, order.order.currency, at),
    approvalRules: policy.approvalRules,
  };
}

/** One row of a query per item, with the order it belongs to. */
type OfOrder<T> = T & { orderId: string };

export async function loadBatchRows(client: pg.Client, ids: string[]): Promise<BatchRows> {
  const query = async <T extends object>(sql: string, params: unknown[] = [ids]) => (await client.query<T>(sql, params)).rows;
  // Contracts once each: many orders share one, and their clauses are the bulk of the data.
  const contracts = await query<ImpactFacts['contract'] & { id: string }>(
    `select id, fee_schedule as "feeSchedule", clauses, notice_days as "noticeDays",
            customer_confirmation_required as "customerConfirmationRequired"
       from contract where id in (select contract_id from sales_order where id = any($1::uuid[]))`,
  );
  const contractById = new Map(contracts.map(({ id, ...contract }) => [id, contract]));
  const orders = await query<
    Omit<OrderRow, 'contract' | 'lines' | 'purchaseOrderIds' | 'reservations' | 'shipments'> & { contractId: string }
  >(
    `select json_build_object('id', o.id, 'number', o.number, 'status', o.status, 'stage', o.stage, 'currency', o.currency,
                              'totalAmount', o.total_amount::text, 'requestedDeliveryDate', o.requested_delivery_date::text) as "order",
            o.contract_id as "contractId",
            array(select i.amount::text from invoice i where i.order_id = o.id) as "invoiceAmounts",
            array(select p.amount::text from payment p where p.order_id = o.id) as "paymentAmounts",
            o.customer_id as "customerId", c.email as "customerEmail",
            extract(epoch from o.order_date::timestamp at time zone 'Asia/Shanghai')::float8 * 1000 as "orderDay"
       from sales_order o join customer c on c.id = o.customer_id
      where o.id = any($1::uuid[])`,
  );
  const lines = await query<OfOrder<OrderLineFacts>>(
    `select l.order_id as "orderId", l.id, l.line_no as "lineNo", p.sku, p.name as "productName", l.quantity,
            l.quantity - l.shipped_quantity - l.terminated_quantity as "openQuantity", l.terminated_quantity as "terminatedQuantity",
            l.unit_price::text as "unitPrice"
       from sales_order_line l join product p on p.id = l.product_id
      where l.order_id = any($1::uuid[]) order by l.order_id, l.line_no`,
  );
  // Every line of every purchase order buying for the batch, whichever order it buys for.
  const poLines = await query<PurchaseOrderLineFacts>(
    `select pol.id, pol.purchase_order_id as "purchaseOrderId", pol.sales_order_line_id as "salesOrderLineId",
            json_build_object('id', o.id, 'number', o.number, 'customerName', c.name) as "salesOrder",
            p.sku, pol.quantity, pol.received_quantity as "receivedQuantity", pol.cancelled_quantity as "cancelledQuantity",
            pol.unit_cost::text as "unitCost"
       from purchase_order_line pol
       join sales_order_line l on l.id = pol.sales_order_line_id
       join sales_order o on o.id = l.order_id
       join customer c on c.id = o.customer_id
       join product p on p.id = pol.product_id
      where pol.purchase_order_id in (select x.purchase_order_id from purchase_order_line x
                                        join sales_order_line xl on xl.id = x.sales_order_line_id
                                       where xl.order_id = any($1::uuid[]))
      order by pol.id`,
  );
  const purchaseOrders = await query<PurchaseOrderFacts>(
    `select po.id, po.number, s.name as "supplierName", po.status, po.currency,
            po.cancellation_penalty_rate::text as "cancellationPenaltyRate"
       from purchase_order po join supplier s on s.id = po.supplier_id where po.id = any($1::uuid[])`,
    [[...new Set(poLines.map((l) => l.purchaseOrderId))]],
  );
  const reservations = await query<OfOrder<ReservationRow>>(
    `select l.order_id as "orderId", r.id, r.sales_order_line_id as "salesOrderLineId", p.sku, w.code as "warehouseCode",
            w.name as "warehouseName", r.quantity, r.warehouse_id as "warehouseId", r.product_id as "productId"
       from reservation r
       join sales_order_line l on l.id = r.sales_order_line_id
       join warehouse w on w.id = r.warehouse_id
       join product p on p.id = r.product_id
      where l.order_id = any($1::uuid[]) and r.status = 'ACTIVE'
      order by r.created_at, r.id`,
  );
  const shipments = await query<OfOrder<ShipmentFacts>>(
    `select s.order_id as "orderId", s.line_id as "salesOrderLineId", s.number, p.sku, s.quantity, s.status, s.carrier
       from shipment s join sales_order_line l on l.id = s.line_id join product p on p.id = l.product_id
      where s.order_id = any($1::uuid[]) order by s.shipped_at, s.id`,
  );

  const rows: BatchRows = {
    orders: new Map(
      orders.map(({ contractId, ...o }) => [
        o.order.id,
        { ...o, contract: contractById.get(contractId)!, lines: [], purchaseOrderIds: [], reservations: [], shipments: [] },
      ]),
    ),
    purchaseOrders: new Map(purchaseOrders.map((po) => [po.id, po])),
    purchaseOrderLines: new Map(),
  };
  const distribute = <T>(items: OfOrder<T>[], list: (order: OrderRow) => T[]) => {
    for (const { orderId, ...item } of items) list(rows.orders.get(orderId)!).push(item as T);
  };
  distribute(lines, (o) => o.lines);
  distribute(reservations, (o) => o.reservations);
  distribute(shipments, (o) => o.shipments);
  for (const line of poLines) {
    rows.purchaseOrderLines.set(line.purchaseOrderId, [...(rows.purchaseOrderLines.get(line.purchaseOrderId) ?? []), line]);
    const buyer = rows.orders.get(line.salesOrder.id);
    if (buyer && !buyer.purchaseOrderIds.includes(line.purchaseOrderId)) buyer.purchaseOrderIds.push(line.purchaseOrderId);
  }
  return rows;
}
