import type pg from 'pg';
import type { RouteRule } from '../modules/approval/approval-route.js';
import type {
  ImpactFacts,
  OrderLineFacts,
  PurchaseOrderFacts,
  PurchaseOrderLineFacts,
  ShipmentFacts,
} from '../modules/termination/impact-calculation.js';
import { readImpactFactsOf, type FactsQuery, type OrderRowFacts, type ReservationRow } from '../modules/termination/impact-facts.js';

export type { ReservationRow };

/*
 * The facts of a batch of orders for the impact calculation, read by the product's own reader
 * (impact-facts.ts) for the whole batch in one statement, arranged so that what the seed's effects
 * change is seen by the later orders of the batch.
 */

export interface OrderRow extends OrderRowFacts {
  contract: ImpactFacts['contract'];
  lines: OrderLineFacts[];
  purchaseOrderIds: string[];
  reservations: ReservationRow[];
  shipments: ShipmentFacts[];
  invoiceAmounts: string[];
  paymentAmounts: string[];
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

/** The facts reader's query on a pg client: its `?` placeholders become `$1`, `$2`, … */
function pgQuery(client: pg.Client): FactsQuery {
  return async <T>(sql: string, params: unknown[]) => {
    let n = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as T[];
  };
}

/** The rows of a batch, read by the impact's own facts reader (readImpactFactsOf) in one statement. */
export async function loadBatchRows(client: pg.Client, ids: string[], baseCurrency: string): Promise<BatchRows> {
  const read = await readImpactFactsOf(pgQuery(client), ids, baseCurrency, new Date(), { orderRow: true });
  const rows: BatchRows = { orders: new Map(), purchaseOrders: new Map(), purchaseOrderLines: new Map() };
  for (const [id, { facts, orderRow }] of read) {
    // The first order that reads a purchase order holds the batch's copy of it and its lines.
    for (const po of facts.purchaseOrders) if (!rows.purchaseOrders.has(po.id)) rows.purchaseOrders.set(po.id, po);
    const linesOf = new Map<string, PurchaseOrderLineFacts[]>();
    for (const l of facts.purchaseOrderLines) linesOf.set(l.purchaseOrderId, [...(linesOf.get(l.purchaseOrderId) ?? []), l]);
    for (const [poId, lines] of linesOf) if (!rows.purchaseOrderLines.has(poId)) rows.purchaseOrderLines.set(poId, lines);
    rows.orders.set(id, {
      ...orderRow!,
      contract: facts.contract,
      lines: facts.lines,
      purchaseOrderIds: facts.purchaseOrders.map((po) => po.id),
      reservations: facts.reservations,
      shipments: facts.shipments,
      invoiceAmounts: facts.invoiceAmounts,
      paymentAmounts: facts.paymentAmounts,
    });
  }
  return rows;
}
