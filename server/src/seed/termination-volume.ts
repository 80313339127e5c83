import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { OrderStage, OrderStatus, TerminationStatus } from '@ot/shared';
import type pg from 'pg';
import { evaluate, inBaseCurrency, type Facts, type RuleCondition } from '../modules/approval/rule-condition.js';
import { Random } from './random.js';

/*
 * Benchmark volume for the termination side, appended after the order volume (volume-seed.ts):
 * terminations TR-V-0000001… in every status on distinct open SO-V orders, with their lines,
 * approval steps, customer confirmations, settlements, follow-up tasks and audit trail, and the
 * ERP side effects of those that took effect (lines terminated, reservations released, purchase
 * order lines cancelled, customer counters). The impact snapshot is computed like ImpactService
 * does (integer cents), without the contract clauses. One order gets at most one termination, so
 * the partial unique index (one running termination per order) holds. Rows are written per batch
 * with `insert … select from unnest(…)`, one transaction per batch.
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
const RESOLUTIONS = ['REFUND', 'REPLACEMENT', 'RESCHEDULE', 'CREDIT_NOTE'] as const;

// --- reference data ------------------------------------------------------------------------------

interface RefUser {
  id: string;
  name: string;
}
interface RefReason {
  id: string;
  code: string;
  category: string;
  confirmationDefault: boolean;
  /** Who causes it: only BUYER reasons charge the contract fee (as ImpactService does). */
  fault: string;
}
interface RefRule {
  code: string;
  department: string;
  stage: number;
  slaHours: number;
  condition: RuleCondition;
}
interface Reference {
  clerk: RefUser;
  admin: RefUser;
  heads: Map<string, RefUser>;
  reasons: Map<string, RefReason>;
  rules: RefRule[];
  /** Latest rate of each currency into the base currency (thresholds are in it); none: unknown. */
  rates: Map<string, string>;
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
  const reasons = await client.query<{ id: string; code: string; category: string; customer_confirmation_default: boolean; fault: string }>(
    `select id, code, category, customer_confirmation_default, fault from termination_reason where active`,
  );
  const rules = await client.query<{ code: string; department: string; stage: number; sla_hours: number; condition: RuleCondition }>(
    `select code, department, stage, sla_hours, condition from approval_rule where active order by stage, department`,
  );
  if (!reasons.rowCount || !rules.rowCount) throw new Error('seedTerminationVolume needs the reason catalog and approval rules');
  const base = (process.env.BASE_CURRENCY || 'CNY').trim().toUpperCase();
  const rates = await client.query<{ from_currency: string; rate: string }>(
    `select distinct on (from_currency) from_currency, rate::text as rate from exchange_rate where to_currency = $1
      order by from_currency, valid_from desc`,
    [base],
  );
  return {
    rates: new Map([[base, '1'], ...rates.rows.map((r) => [r.from_currency, r.rate] as [string, string])]),
    clerk,
    admin,
    heads,
    reasons: new Map(
      reasons.rows.map((r) => [
        r.code,
        { id: r.id, code: r.code, category: r.category, confirmationDefault: r.customer_confirmation_default, fault: r.fault },
      ]),
    ),
    rules: rules.rows.map((r) => ({
      code: r.code,
      department: r.department,
      stage: r.stage,
      slaHours: r.sla_hours,
      condition: r.condition,
    })),
  };
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

// --- what an order looks like to the impact computation -------------------------------------------

interface OLine {
  id: string;
  lineNo: number;
  quantity: number;
  shipped: number;
  terminated: number;
  priceCents: number;
  unitPrice: string;
  sku: string;
  productName: string;
}
interface OPoLine {
  id: string;
  lineId: string;
  poId: string;
  poNumber: string;
  supplierName: string;
  poStatus: string;
  penaltyRate: number;
  quantity: number;
  received: number;
  cancelled: number;
  costCents: number;
  sku: string;
  shared: boolean;
  poOpen: number;
  poReceived: number;
}
interface OReservation {
  id: string;
  lineId: string;
  quantity: number;
  warehouseId: string;
  productId: string;
  warehouseCode: string;
  warehouseName: string;
  sku: string;
}
interface OShipment {
  number: string;
  sku: string;
  quantity: number;
  status: string;
  carrier: string;
}
interface OOrder {
  id: string;
  number: string;
  status: OrderStatus;
  stage: OrderStage;
  currency: string;
  totalCents: number;
  orderDay: number;
  customerId: string;
  customerName: string;
  customerEmail: string;
  feeSchedule: { stage: string; rate: string }[];
  contractConfirmation: boolean;
  noticeDays: number;
  invoicedCents: number;
  paidCents: number;
  lines: OLine[];
  poLines: OPoLine[];
  reservations: OReservation[];
  shipments: OShipment[];
  sharedOrders: { purchaseOrderNumber: string; orderNumber: string; customerName: string }[];
}

const toCents = (text: string) => Math.round(Number(text) * 100);

function money(valueCents: number): string {
  const sign = valueCents < 0 ? '-' : '';
  const abs = Math.abs(valueCents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

async function loadOrders(client: pg.Client, ids: string[]): Promise<OOrder[]> {
  const orders = await client.query<{
    id: string;
    number: string;
    status: OrderStatus;
    stage: OrderStage;
    currency: string;
    total_amount: string;
    order_date: string;
    customer_id: string;
    customer_name: string;
    email: string;
    fee_schedule: { stage: string; rate: string }[];
    customer_confirmation_required: boolean;
    notice_days: number;
    invoiced: string;
    paid: string;
  }>(
    `select o.id, o.number, o.status, o.stage, o.currency, o.total_amount::text, o.order_date::text, o.customer_id,
            c.name as customer_name, c.email, ct.fee_schedule, ct.customer_confirmation_required, ct.notice_days,
            coalesce((select sum(i.amount) from invoice i where i.order_id = o.id), 0)::text as invoiced,
            coalesce((select sum(p.amount) from payment p where p.order_id = o.id), 0)::text as paid
       from sales_order o join customer c on c.id = o.customer_id join contract ct on ct.id = o.contract_id
      where o.id = any($1::uuid[])`,
    [ids],
  );
  const lines = await client.query<{
    id: string;
    order_id: string;
    line_no: number;
    quantity: number;
    shipped_quantity: number;
    terminated_quantity: number;
    unit_price: string;
    sku: string;
    name: string;
  }>(
    `select l.id, l.order_id, l.line_no, l.quantity, l.shipped_quantity, l.terminated_quantity, l.unit_price::text, p.sku, p.name
       from sales_order_line l join product p on p.id = l.product_id
      where l.order_id = any($1::uuid[]) order by l.order_id, l.line_no`,
    [ids],
  );
  const poLines = await client.query<{
    id: string;
    order_id: string;
    sales_order_line_id: string;
    purchase_order_id: string;
    number: string;
    supplier_name: string;
    status: string;
    cancellation_penalty_rate: string;
    quantity: number;
    received_quantity: number;
    cancelled_quantity: number;
    unit_cost: string;
    sku: string;
    shared: boolean;
    po_open: number;
    po_received: number;
  }>(
    `select pol.id, l.order_id, pol.sales_order_line_id, pol.purchase_order_id, po.number, po.supplier_name, po.status,
            po.cancellation_penalty_rate::text, pol.quantity, pol.received_quantity, pol.cancelled_quantity, pol.unit_cost::text, p.sku,
            exists (select 1 from purchase_order_line x join sales_order_line xl on xl.id = x.sales_order_line_id
                     where x.purchase_order_id = po.id and xl.order_id <> l.order_id) as shared,
            (select sum(x.quantity - x.received_quantity - x.cancelled_quantity) from purchase_order_line x where x.purchase_order_id = po.id)::int as po_open,
            (select sum(x.received_quantity) from purchase_order_line x where x.purchase_order_id = po.id)::int as po_received
       from purchase_order_line pol
       join purchase_order po on po.id = pol.purchase_order_id
       join sales_order_line l on l.id = pol.sales_order_line_id
       join product p on p.id = pol.product_id
      where l.order_id = any($1::uuid[])
      order by po.number, pol.id`,
    [ids],
  );
  const reservations = await client.query<{
    id: string;
    order_id: string;
    sales_order_line_id: string;
    quantity: number;
    warehouse_id: string;
    product_id: string;
    code: string;
    wname: string;
    sku: string;
  }>(
    `select r.id, l.order_id, r.sales_order_line_id, r.quantity, r.warehouse_id, r.product_id, w.code, w.name as wname, p.sku
       from reservation r
       join sales_order_line l on l.id = r.sales_order_line_id
       join warehouse w on w.id = r.warehouse_id
       join product p on p.id = r.product_id
      where l.order_id = any($1::uuid[]) and r.status = 'ACTIVE'
      order by r.created_at, r.id`,
    [ids],
  );
  const shipments = await client.query<{
    order_id: string;
    number: string;
    sku: string;
    quantity: number;
    status: string;
    carrier: string;
  }>(
    `select s.order_id, s.number, p.sku, s.quantity, s.status, s.carrier
       from shipment s join sales_order_line l on l.id = s.line_id join product p on p.id = l.product_id
      where s.order_id = any($1::uuid[]) order by s.shipped_at, s.number`,
    [ids],
  );
  const sharedPoIds = [...new Set(poLines.rows.filter((r) => r.shared).map((r) => r.purchase_order_id))];
  const sharedOrders = sharedPoIds.length
    ? await client.query<{ purchase_order_id: string; po_number: string; order_id: string; order_number: string; customer_name: string }>(
        `select distinct x.purchase_order_id, po.number as po_number, o.id as order_id, o.number as order_number, c.name as customer_name
           from purchase_order_line x
           join purchase_order po on po.id = x.purchase_order_id
           join sales_order_line l on l.id = x.sales_order_line_id
           join sales_order o on o.id = l.order_id
           join customer c on c.id = o.customer_id
          where x.purchase_order_id = any($1::uuid[])
          order by po.number, o.number`,
        [sharedPoIds],
      )
    : { rows: [] };

  const result = new Map<string, OOrder>();
  for (const o of orders.rows) {
    result.set(o.id, {
      id: o.id,
      number: o.number,
      status: o.status,
      stage: o.stage,
      currency: o.currency,
      totalCents: toCents(o.total_amount),
      orderDay: Date.parse(`${o.order_date}T00:00:00+08:00`),
      customerId: o.customer_id,
      customerName: o.customer_name,
      customerEmail: o.email,
      feeSchedule: o.fee_schedule,
      contractConfirmation: o.customer_confirmation_required,
      noticeDays: o.notice_days,
      invoicedCents: toCents(o.invoiced),
      paidCents: toCents(o.paid),
      lines: [],
      poLines: [],
      reservations: [],
      shipments: [],
      sharedOrders: [],
    });
  }
  for (const l of lines.rows) {
    result.get(l.order_id)!.lines.push({
      id: l.id,
      lineNo: l.line_no,
      quantity: l.quantity,
      shipped: l.shipped_quantity,
      terminated: l.terminated_quantity,
      priceCents: toCents(l.unit_price),
      unitPrice: l.unit_price,
      sku: l.sku,
      productName: l.name,
    });
  }
  for (const p of poLines.rows) {
    result.get(p.order_id)!.poLines.push({
      id: p.id,
      lineId: p.sales_order_line_id,
      poId: p.purchase_order_id,
      poNumber: p.number,
      supplierName: p.supplier_name,
      poStatus: p.status,
      penaltyRate: Number(p.cancellation_penalty_rate),
      quantity: p.quantity,
      received: p.received_quantity,
      cancelled: p.cancelled_quantity,
      costCents: toCents(p.unit_cost),
      sku: p.sku,
      shared: p.shared,
      poOpen: p.po_open,
      poReceived: p.po_received,
    });
  }
  for (const r of reservations.rows) {
    result.get(r.order_id)!.reservations.push({
      id: r.id,
      lineId: r.sales_order_line_id,
      quantity: r.quantity,
      warehouseId: r.warehouse_id,
      productId: r.product_id,
      warehouseCode: r.code,
      warehouseName: r.wname,
      sku: r.sku,
    });
  }
  for (const s of shipments.rows) {
    result.get(s.order_id)!.shipments.push({ number: s.number, sku: s.sku, quantity: s.quantity, status: s.status, carrier: s.carrier });
  }
  for (const order of result.values()) {
    const shared = new Set(order.poLines.filter((p) => p.shared).map((p) => p.poId));
    order.sharedOrders = sharedOrders.rows
      .filter((r) => shared.has(r.purchase_order_id) && r.order_id !== order.id)
      .map((r) => ({ purchaseOrderNumber: r.po_number, orderNumber: r.order_number, customerName: r.customer_name }));
  }
  return ids.map((id) => result.get(id)!).filter(Boolean);
}

// --- the impact snapshot ---------------------------------------------------------------------------

interface Effects {
  lines: { lineId: string; quantity: number }[];
  reservations: { r: OReservation; quantity: number }[];
  poLines: { id: string; poId: string; cancel: number }[];
}

interface Computed {
  snapshot: Record<string, unknown>;
  route: { stage: number; department: string; ruleCode: string; slaHours: number }[];
  effects: Effects;
  terminatedCents: number;
  paidCents: number;
  feeCents: number;
  refundCents: number;
  feeOutstandingCents: number;
  confirmationRequired: boolean;
  purchaseOrders: {
    number: string;
    supplierName: string;
    action: string;
    penalty: string;
    lines: { sku: string; cancelQuantity: number }[];
  }[];
  inTransit: OShipment[];
  fullyTerminates: boolean;
}

function computeImpact(
  order: OOrder,
  reason: RefReason,
  rules: RefRule[],
  rate: string | null,
  forceConfirmation: boolean,
  computedAt: number,
): Computed {
  const selected = order.lines
    .map((line) => ({ line, open: line.quantity - line.shipped - line.terminated }))
    .filter((s) => s.open > 0)
    .map(({ line, open }) => ({ line, quantity: open }));
  const quantityByLine = new Map(selected.map((s) => [s.line.id, s.quantity]));
  const impactLines = selected.map(({ line, quantity }) => ({
    lineId: line.id,
    lineNo: line.lineNo,
    sku: line.sku,
    productName: line.productName,
    orderedQuantity: line.quantity,
    openQuantity: line.quantity - line.shipped - line.terminated,
    quantity,
    unitPrice: line.unitPrice,
    amount: money(line.priceCents * quantity),
  }));
  const terminatedCents = selected.reduce((sum, s) => sum + s.line.priceCents * s.quantity, 0);
  const alreadyTerminatedCents = order.lines.reduce((sum, l) => sum + l.priceCents * l.terminated, 0);

  // Purchase orders, one entry per PO buying for this order.
  const warnings: { code: string; message: string; subject: string | null }[] = [];
  const poIds = [...new Set(order.poLines.map((p) => p.poId))];
  const effects: Effects = { lines: selected.map((s) => ({ lineId: s.line.id, quantity: s.quantity })), reservations: [], poLines: [] };
  const purchaseOrders = poIds
    .map((poId) => {
      const ours = order.poLines.filter((p) => p.poId === poId);
      const po = ours[0]!;
      const closed = po.poStatus === 'CANCELLED' || po.poStatus === 'RECEIVED';
      const lines = ours.map((l) => {
        const open = l.quantity - l.received - l.cancelled;
        return {
          purchaseOrderLineId: l.id,
          sku: l.sku,
          quantity: l.quantity,
          openQuantity: open,
          cancelQuantity: closed ? 0 : Math.min(open, quantityByLine.get(l.lineId) ?? 0),
        };
      });
      const cancelled = lines.reduce((n, l) => n + l.cancelQuantity, 0);
      const leftOpen = po.poOpen - cancelled;
      const action = cancelled === 0 ? 'NONE' : !po.shared && leftOpen === 0 && po.poReceived === 0 ? 'CANCEL' : 'REDUCE';
      if (ours.some((l) => l.received > 0)) {
        warnings.push(
          action === 'NONE'
            ? { code: 'PO_RECEIVED', message: `${po.poNumber}: the goods were already received; they stay in stock.`, subject: po.poNumber }
            : {
                code: 'PO_PARTIALLY_RECEIVED',
                message: `${po.poNumber}: partly received; only the open quantity can be cancelled.`,
                subject: po.poNumber,
              },
        );
      }
      if (po.shared && action !== 'NONE') {
        warnings.push({
          code: 'SHARED_PURCHASE_ORDER',
          message: `${po.poNumber} also buys for other orders; it is reduced, not cancelled.`,
          subject: po.poNumber,
        });
      }
      const amountCents = ours.reduce((sum, l, i) => sum + l.costCents * lines[i]!.cancelQuantity, 0);
      const penaltyCents =
        po.poStatus === 'CONFIRMED' || po.poStatus === 'PARTIALLY_RECEIVED' ? Math.round(amountCents * po.penaltyRate) : 0;
      for (const l of lines) if (l.cancelQuantity > 0) effects.poLines.push({ id: l.purchaseOrderLineId, poId, cancel: l.cancelQuantity });
      return {
        purchaseOrderId: poId,
        number: po.poNumber,
        supplierName: po.supplierName,
        status: po.poStatus,
        action,
        amount: money(amountCents),
        penalty: money(penaltyCents),
        penaltyCents,
        shared: po.shared,
        lines,
      };
    })
    .sort((a, b) => a.number.localeCompare(b.number));

  // Reservations released, oldest first, up to the terminated quantity of each line.
  const remaining = new Map(quantityByLine);
  const reservations = [];
  for (const r of order.reservations) {
    const left = remaining.get(r.lineId) ?? 0;
    const release = Math.min(left, r.quantity);
    if (release <= 0) continue;
    remaining.set(r.lineId, left - release);
    effects.reservations.push({ r, quantity: release });
    reservations.push({
      reservationId: r.id,
      sku: r.sku,
      warehouseCode: r.warehouseCode,
      warehouseName: r.warehouseName,
      quantity: release,
    });
  }
  const inTransit = order.shipments.filter((s) => s.status === 'IN_TRANSIT');
  for (const s of inTransit) {
    warnings.push({
      code: 'SHIPMENT_IN_TRANSIT',
      message: `Shipment ${s.number} (${s.quantity}) is on its way and cannot be recalled by this termination.`,
      subject: s.number,
    });
  }

  const feeRate = order.feeSchedule.find((e) => e.stage === order.stage)?.rate ?? '0';
  const contractFeeCents = Math.round(terminatedCents * Number(feeRate));
  const feeCents = reason.fault === 'BUYER' ? contractFeeCents : 0;
  const retainedCents = order.totalCents - alreadyTerminatedCents - terminatedCents;
  const paidBeyondKept = Math.max(0, order.paidCents - retainedCents);
  const refundCents = Math.max(0, paidBeyondKept - feeCents);
  const feeOutstandingCents = Math.max(0, feeCents - paidBeyondKept);
  const supplierPenaltyCents = purchaseOrders.reduce((sum, p) => sum + p.penaltyCents, 0);
  if (supplierPenaltyCents > 0) {
    warnings.push({
      code: 'SUPPLIER_PENALTY',
      message: `Suppliers will charge ${money(supplierPenaltyCents)} ${order.currency} in cancellation penalties.`,
      subject: null,
    });
  }
  const confirmationRequired = order.contractConfirmation || forceConfirmation || reason.confirmationDefault;

  const facts: Facts = {
    purchaseOrdersAffected: purchaseOrders.filter((p) => p.action !== 'NONE').length,
    reservationsReleased: reservations.length,
    shipmentsAffected: inTransit.length,
    amountInvoiced: order.invoicedCents / 100,
    amountPaid: order.paidCents / 100,
    cancellationFee: feeCents / 100,
    refundDue: refundCents / 100,
    orderValue: order.totalCents / 100,
    terminatedValue: terminatedCents / 100,
    reasonCode: reason.code,
    reasonCategory: reason.category,
    customerConfirmationRequired: confirmationRequired,
  };
  // As the API does: thresholds in the base currency; without a rate, every rule that might apply does.
  const converted = inBaseCurrency(facts, rate);
  if (rate === null) {
    warnings.push({
      code: 'EXCHANGE_RATE_MISSING',
      message: `No exchange rate for ${order.currency} is on record.`,
      subject: order.currency,
    });
  }
  const byDepartment = new Map<string, { stage: number; department: string; ruleCode: string; slaHours: number }>();
  for (const rule of rules) {
    if (!evaluate(rule.condition, converted.facts, converted.unknown)) continue;
    const existing = byDepartment.get(rule.department);
    if (!existing || rule.stage < existing.stage) {
      byDepartment.set(rule.department, { stage: rule.stage, department: rule.department, ruleCode: rule.code, slaHours: rule.slaHours });
    }
  }
  const route = [...byDepartment.values()].sort((a, b) => a.stage - b.stage || a.department.localeCompare(b.department));
  const notify = new Set(['SALES', ...route.map((s) => s.department)]);
  if (facts.purchaseOrdersAffected) notify.add('PURCHASING');
  if (facts.reservationsReleased || facts.shipmentsAffected) notify.add('WAREHOUSE');
  if (facts.amountInvoiced || facts.amountPaid || facts.cancellationFee) notify.add('FINANCE');
  if (confirmationRequired) notify.add('CUSTOMER_SERVICE');

  const snapshot = {
    orderNumber: order.number,
    reasonCode: reason.code,
    scope: 'FULL',
    lines: impactLines,
    purchaseOrders: purchaseOrders.map(({ penaltyCents: _p, ...p }) => p),
    reservations,
    shipments: order.shipments,
    sharedPurchaseOrderOrders: order.sharedOrders,
    currency: order.currency,
    orderValue: money(order.totalCents),
    terminatedValue: money(terminatedCents),
    amountInvoiced: money(order.invoicedCents),
    amountPaid: money(order.paidCents),
    orderStage: order.stage,
    feeRate,
    fault: reason.fault,
    contractFee: money(contractFeeCents),
    cancellationFee: money(feeCents),
    feeAdjusted: false,
    refundDue: money(refundCents),
    feeOutstanding: money(feeOutstandingCents),
    supplierPenalties: money(supplierPenaltyCents),
    // The contract's clause texts are left out to keep the volume snapshot small.
    contractClauses: [],
    noticeDays: order.noticeDays,
    departmentsToNotify: [...notify],
    approvalRoute: route,
    customerConfirmationRequired: confirmationRequired,
    customerConfirmationByContract: order.contractConfirmation,
    blockers: [],
    warnings,
    computedAt: new Date(computedAt).toISOString(),
  };
  const linesAfter = order.lines.map((l) => l.terminated + (quantityByLine.get(l.id) ?? 0));
  return {
    snapshot,
    route,
    effects,
    terminatedCents,
    paidCents: order.paidCents,
    feeCents,
    refundCents,
    feeOutstandingCents,
    confirmationRequired,
    purchaseOrders: purchaseOrders.map((p) => ({
      number: p.number,
      supplierName: p.supplierName,
      action: p.action,
      penalty: p.penalty,
      lines: p.lines.map((l) => ({ sku: l.sku, cancelQuantity: l.cancelQuantity })),
    })),
    inTransit,
    fullyTerminates: order.lines.every((l, i) => linesAfter[i] === l.quantity),
  };
}

// --- row buffers -----------------------------------------------------------------------------------

/** Column-wise buffer for one table, written with a single `insert … select from unnest(…)`. */
class Rows {
  private readonly values: unknown[][];

  constructor(
    private readonly table: string,
    private readonly columns: [name: string, pgType: string][],
  ) {
    this.values = columns.map(() => []);
  }

  add(row: readonly unknown[]): void {
    for (let i = 0; i < row.length; i++) this.values[i]!.push(row[i]);
  }

  get size(): number {
    return this.values[0]!.length;
  }

  async insert(client: pg.Client): Promise<void> {
    if (this.size === 0) return;
    const names = this.columns.map(([name]) => `"${name}"`).join(', ');
    const params = this.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    await client.query(`insert into "${this.table}" (${names}) select * from unnest(${params})`, this.values);
  }
}

function batchTables() {
  return {
    terminations: new Rows('termination', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['number', 'text'],
      ['order_id', 'uuid'],
      ['reason_id', 'uuid'],
      ['explanation', 'text'],
      ['status', 'text'],
      ['fault', 'text'],
      ['scope', 'text'],
      ['requested_by_id', 'uuid'],
      ['customer_confirmation_required', 'bool'],
      ['impact', 'jsonb'],
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
    releasedParts: new Rows('reservation', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['sales_order_line_id', 'uuid'],
      ['warehouse_id', 'uuid'],
      ['product_id', 'uuid'],
      ['quantity', 'int'],
      ['status', 'text'],
      ['released_at', 'timestamptz'],
    ]),
  };
}

type Tables = ReturnType<typeof batchTables>;

/** The ERP-side changes of one batch, applied with set-based updates after the inserts. */
interface Updates {
  orders: { id: string; status: string; before: string | null }[];
  lines: Map<string, number>;
  reservations: { id: string; quantity: number; full: boolean; at: string }[];
  stock: Map<string, { warehouseId: string; productId: string; quantity: number }>;
  poLines: Map<string, number>;
  purchaseOrders: Set<string>;
  customers: Map<string, { count: number; last: number }>;
}

// --- generator --------------------------------------------------------------------------------------

type Actor = { type: 'USER' | 'CUSTOMER' | 'SYSTEM'; id: string | null; name: string };

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

  generate(order: OOrder, status: TerminationStatus, tables: Tables, updates: Updates): void {
    const { rng, ref } = this;
    const reason = ref.reasons.get(rng.weighted(REASON_WEIGHTS)) ?? [...ref.reasons.values()][0]!;
    const needsCustomer = status === 'AWAITING_CUSTOMER' || status === 'CUSTOMER_DECLINED';
    const active = ACTIVE.includes(status);
    // Running terminations were submitted in the last days (links still valid); finished ones had a month to run.
    const earliest = order.orderDay + DAY_MS + rng.int(1, 8) * HOUR_MS;
    const recentDays = status === 'AWAITING_CUSTOMER' ? 5 : 10;
    const submittedAt = active
      ? this.between(Math.max(earliest, NOW - recentDays * DAY_MS), NOW - 2 * HOUR_MS)
      : this.between(earliest, Math.max(earliest, NOW - 35 * DAY_MS));
    const impact = computeImpact(order, reason, ref.rules, ref.rates.get(order.currency) ?? null, needsCustomer, submittedAt);
    const id = randomUUID();
    this.counter += 1;
    const number = `TR-V-${String(this.counter).padStart(7, '0')}`;
    const at = (ms: number) => new Date(ms).toISOString();
    const clerk = this.user(ref.clerk);
    const audit = (time: number, actor: Actor, action: string, entity: [string, string] | null, data: Record<string, unknown>) =>
      tables.audit.add([
        randomUUID(),
        at(time),
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
      order: order.number,
      reason: reason.code,
      scope: 'FULL',
      lines: (impact.snapshot.lines as { lineNo: number; sku: string; quantity: number }[]).map((l) => ({
        lineNo: l.lineNo,
        sku: l.sku,
        quantity: l.quantity,
      })),
      route: impact.route.map((s) => `${s.stage}:${s.department}`),
      customerConfirmationRequired: impact.confirmationRequired,
    });
    for (const line of impact.snapshot.lines as { lineId: string; quantity: number; amount: string }[]) {
      tables.lines.add([randomUUID(), at(submittedAt), id, line.lineId, line.quantity, line.amount]);
    }

    // Approvals: stage by stage; where the process stopped depends on the status.
    const stages = [...new Set(impact.route.map((s) => s.stage))];
    let stopAt = stages.length; // index of the stage that is pending (or where it ended); length = all approved
    if (status === 'PENDING_APPROVAL') stopAt = rng.chance(0.55) ? 0 : rng.int(0, stages.length - 1);
    else if (status === 'REJECTED') stopAt = rng.int(0, stages.length - 1);
    // Withdrawn after all approvals only while waiting for the customer (otherwise it took effect).
    else if (status === 'WITHDRAWN')
      stopAt = impact.confirmationRequired && rng.chance(0.25) ? stages.length : rng.int(0, stages.length - 1);
    let clock = submittedAt;
    let version = 1;
    let lastApprover: Actor = clerk;
    let rejectedBy: { actor: Actor; department: string; stepId: string; comment: string; at: number } | null = null;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      const steps = impact.route.filter((s) => s.stage === stage);
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
          at(submittedAt),
          id,
          step.stage,
          step.department,
          step.ruleCode,
          stepStatus,
          step.slaHours,
          decidedBy,
          decidedAt === null ? null : at(decidedAt),
          comment,
          activatedAt === null ? null : at(activatedAt),
          dueAt === null ? null : at(dueAt),
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
      event: string,
      data: Record<string, unknown> = {},
    ) => {
      version += 1;
      statusChangedAt = time;
      audit(time, actor, `termination.${to.toLowerCase()}`, ['Termination', id], { from, to, event, ...data });
    };

    // The customer's link, when the customer was asked.
    let preferred: string | null = null;
    const askedCustomer = impact.confirmationRequired && stopAt >= stages.length && status !== 'PENDING_APPROVAL' && status !== 'REJECTED';
    if (askedCustomer) {
      const sentAt = approvedAt;
      const confirmationId = randomUUID();
      const expiresAt = sentAt + 168 * HOUR_MS;
      transition(sentAt, lastApprover, 'AWAITING_CUSTOMER', 'PENDING_APPROVAL', 'APPROVED_ALL_NEEDS_CUSTOMER');
      audit(sentAt, { type: 'SYSTEM', id: null, name: 'system' }, 'confirmation.sent', ['CustomerConfirmation', confirmationId], {
        recipient: order.customerEmail,
        expiresAt: at(expiresAt),
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
        at(sentAt),
        id,
        randomBytes(32).toString('hex'),
        confirmationStatus,
        order.customerEmail,
        at(sentAt),
        at(expiresAt),
        respondedAt === null ? null : at(respondedAt),
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

    if (effectiveAt !== null) {
      const from = askedCustomer ? 'AWAITING_CUSTOMER' : 'PENDING_APPROVAL';
      const event = askedCustomer ? 'CUSTOMER_ACCEPT' : 'APPROVED_ALL';
      transition(effectiveAt, lastApprover, 'EFFECTIVE', from, event);
      audit(effectiveAt, lastApprover, 'termination.effect_applied', ['Termination', id], {
        lines: impact.effects.lines.length,
        purchaseOrders: impact.purchaseOrders.map((p) => ({ number: p.number, action: p.action })),
        reservationsReleased: (impact.snapshot.reservations as { sku: string; warehouseCode: string; quantity: number }[]).map((r) => ({
          sku: r.sku,
          warehouse: r.warehouseCode,
          quantity: r.quantity,
        })),
        settlement: { kind: this.settlementKind(impact), refundDue: money(impact.refundCents), fee: money(impact.feeCents) },
      });
      closedAt = this.followUps(id, order, impact, status === 'CLOSED', effectiveAt, preferred, tables, audit);
      if (closedAt !== null) {
        transition(closedAt, this.user(this.head('SALES')), 'CLOSED', 'EFFECTIVE', 'ALL_TASKS_DONE');
      }
      tables.settlements.add([
        randomUUID(),
        at(effectiveAt),
        id,
        this.settlementKind(impact),
        status === 'CLOSED' ? 'COMPLETED' : 'OPEN',
        order.currency,
        money(impact.terminatedCents),
        money(impact.paidCents),
        money(impact.feeCents),
        money(impact.refundCents),
        money(impact.feeOutstandingCents),
        closedAt === null ? null : at(closedAt),
      ]);
      this.collectEffects(order, impact, effectiveAt, updates);
    } else if (active) {
      updates.orders.push({ id: order.id, status: 'TERMINATION_PENDING', before: order.status });
    }

    tables.terminations.add([
      id,
      at(submittedAt),
      number,
      order.id,
      reason.id,
      rng.pick(EXPLANATIONS[reason.code] ?? EXPLANATIONS.OTHER!),
      status,
      reason.fault,
      'FULL',
      ref.clerk.id,
      impact.confirmationRequired,
      JSON.stringify(impact.snapshot),
      at(statusChangedAt),
      effectiveAt === null ? null : at(effectiveAt),
      closedAt === null ? null : at(closedAt),
      version,
    ]);
  }

  private settlementKind(impact: Computed): string {
    return impact.refundCents > 0 ? 'REFUND' : impact.feeOutstandingCents > 0 ? 'FEE' : 'NONE';
  }

  /** The checklist of follow-planFollowUps; all done when closed, some still open otherwise. Returns the closing time. */
  private followUps(
    terminationId: string,
    order: OOrder,
    impact: Computed,
    closed: boolean,
    effectiveAt: number,
    preferred: string | null,
    tables: Tables,
    audit: (time: number, actor: Actor, action: string, entity: [string, string] | null, data: Record<string, unknown>) => void,
  ): number | null {
    const { rng } = this;
    const planned: { kind: string; department: string; hours: number; instructions: string; outcome: string | null }[] = [];
    const pos = impact.purchaseOrders.filter((p) => p.action !== 'NONE');
    if (pos.length) {
      planned.push({
        kind: 'SUPPLIER_CANCELLATION',
        department: 'PURCHASING',
        hours: 72,
        outcome: null,
        instructions: pos
          .map(
            (p) =>
              `${p.number} (${p.supplierName}): ${p.action === 'CANCEL' ? '整单取消 cancel' : '减量 reduce'} ` +
              p.lines
                .filter((l) => l.cancelQuantity > 0)
                .map((l) => `${l.sku} −${l.cancelQuantity}`)
                .join(', ') +
              (Number(p.penalty) > 0 ? `; penalty ${p.penalty} ${order.currency}` : ''),
          )
          .join('\n'),
      });
    }
    const reservations = impact.snapshot.reservations as { sku: string; warehouseCode: string; quantity: number }[];
    if (reservations.length || impact.inTransit.length) {
      const lines = reservations.map((r) => `${r.warehouseCode} ${r.sku}: 释放预留 release ${r.quantity}`);
      for (const s of impact.inTransit)
        lines.push(`${s.number} ${s.sku} ×${s.quantity} 在途 in transit (${s.carrier}): 安排退回 arrange return`);
      planned.push({ kind: 'STOCK_CONFIRMATION', department: 'WAREHOUSE', hours: 48, outcome: null, instructions: lines.join('\n') });
    }
    if (order.invoicedCents > 0 || order.paidCents > 0 || impact.feeCents > 0) {
      const parts = [];
      if (impact.refundCents > 0) parts.push(`退款 refund ${money(impact.refundCents)} ${order.currency}`);
      if (impact.feeOutstandingCents > 0) parts.push(`开具违约金发票 invoice fee ${money(impact.feeOutstandingCents)} ${order.currency}`);
      if (impact.feeCents > 0 && !impact.feeOutstandingCents)
        parts.push(`违约金 ${money(impact.feeCents)} 从已付款中抵扣 fee netted from payment`);
      if (!parts.length)
        parts.push(
          `核对已开票 ${money(order.invoicedCents)} / 已收款 ${money(order.paidCents)} ${order.currency}，无需退款 reconcile, nothing to refund`,
        );
      planned.push({ kind: 'SETTLEMENT', department: 'FINANCE', hours: 120, outcome: null, instructions: parts.join('\n') });
    }
    planned.push({
      kind: 'CUSTOMER_OUTCOME',
      department: 'SALES',
      hours: 72,
      outcome: preferred,
      instructions: `记录与客户协商的结果 Record the outcome agreed with the customer${preferred ? ` (客户倾向 customer prefers ${preferred})` : ''}`,
    });
    planned.push({
      kind: 'CUSTOMER_RECORD',
      department: 'SALES',
      hours: 120,
      outcome: null,
      instructions: '更新客户档案（终止记录、信用、后续计划） Update the customer record',
    });

    // When not closed, at least one task stays open.
    const openIndex = closed ? -1 : rng.int(0, planned.length - 1);
    let last = effectiveAt;
    for (const [i, task] of planned.entries()) {
      const taskId = randomUUID();
      const done = closed || (i !== openIndex && rng.chance(0.5));
      const completedAt = done ? this.between(effectiveAt + 2 * HOUR_MS, effectiveAt + task.hours * HOUR_MS) : null;
      const by = this.head(task.department);
      const outcome = task.kind === 'CUSTOMER_OUTCOME' && done ? (task.outcome ?? rng.pick([...RESOLUTIONS, 'NONE'])) : task.outcome;
      tables.tasks.add([
        taskId,
        new Date(effectiveAt).toISOString(),
        terminationId,
        task.kind,
        task.department,
        task.instructions,
        new Date(effectiveAt + task.hours * HOUR_MS).toISOString(),
        done ? 'DONE' : 'OPEN',
        outcome,
        done ? '已处理 done' : null,
        done ? by.id : null,
        completedAt === null ? null : new Date(completedAt).toISOString(),
      ]);
      if (completedAt !== null) {
        last = Math.max(last, completedAt);
        audit(completedAt, this.user(by), 'followup.completed', ['FollowUpTask', taskId], {
          kind: task.kind,
          outcome,
          note: '已处理 done',
        });
      }
    }
    return closed ? Math.min(last + 60_000, NOW - 60_000) : null;
  }

  /** What taking effect changed in the ERP data, accumulated for the batch. */
  private collectEffects(order: OOrder, impact: Computed, effectiveAt: number, updates: Updates): void {
    updates.orders.push({ id: order.id, status: impact.fullyTerminates ? 'TERMINATED' : 'PARTIALLY_TERMINATED', before: null });
    for (const l of impact.effects.lines) updates.lines.set(l.lineId, (updates.lines.get(l.lineId) ?? 0) + l.quantity);
    for (const { r, quantity } of impact.effects.reservations) {
      updates.reservations.push({ id: r.id, quantity, full: quantity === r.quantity, at: new Date(effectiveAt).toISOString() });
      const key = `${r.warehouseId}|${r.productId}`;
      const level = updates.stock.get(key) ?? { warehouseId: r.warehouseId, productId: r.productId, quantity: 0 };
      level.quantity += quantity;
      updates.stock.set(key, level);
    }
    for (const p of impact.effects.poLines) {
      updates.poLines.set(p.id, (updates.poLines.get(p.id) ?? 0) + p.cancel);
      updates.purchaseOrders.add(p.poId);
    }
    const customer = updates.customers.get(order.customerId) ?? { count: 0, last: 0 };
    customer.count += 1;
    customer.last = Math.max(customer.last, effectiveAt);
    updates.customers.set(order.customerId, customer);
  }
}

async function applyUpdates(client: pg.Client, u: Updates, tables: Tables): Promise<void> {
  if (u.orders.length) {
    await client.query(
      `update sales_order o set status = d.status, status_before_termination = d.before, version = o.version + 1
         from unnest($1::uuid[], $2::text[], $3::text[]) as d(id, status, before) where o.id = d.id`,
      [u.orders.map((o) => o.id), u.orders.map((o) => o.status), u.orders.map((o) => o.before)],
    );
  }
  if (u.lines.size) {
    await client.query(
      `update sales_order_line l set terminated_quantity = l.terminated_quantity + d.q
         from unnest($1::uuid[], $2::int[]) as d(id, q) where l.id = d.id`,
      [[...u.lines.keys()], [...u.lines.values()]],
    );
  }
  const partial = u.reservations.filter((r) => !r.full);
  if (u.reservations.length) {
    await client.query(
      `update reservation r
          set status = case when d.whole then 'RELEASED' else r.status end,
              released_at = case when d.whole then d.at else r.released_at end,
              quantity = case when d.whole then r.quantity else r.quantity - d.q end
         from unnest($1::uuid[], $2::int[], $3::bool[], $4::timestamptz[]) as d(id, q, whole, at) where r.id = d.id`,
      [
        u.reservations.map((r) => r.id),
        u.reservations.map((r) => r.quantity),
        u.reservations.map((r) => r.full),
        u.reservations.map((r) => r.at),
      ],
    );
  }
  if (partial.length) {
    // Partly released: the released part is kept as a record of its own, like EffectService does.
    const { rows } = await client.query<{ id: string; sales_order_line_id: string; warehouse_id: string; product_id: string }>(
      `select id, sales_order_line_id, warehouse_id, product_id from reservation where id = any($1::uuid[])`,
      [partial.map((r) => r.id)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const p of partial) {
      const r = byId.get(p.id)!;
      tables.releasedParts.add([randomUUID(), p.at, r.sales_order_line_id, r.warehouse_id, r.product_id, p.quantity, 'RELEASED', p.at]);
    }
    await tables.releasedParts.insert(client);
  }
  if (u.stock.size) {
    const levels = [...u.stock.values()];
    await client.query(
      `update stock_level s set reserved = s.reserved - d.q
         from unnest($1::uuid[], $2::uuid[], $3::int[]) as d(w, p, q) where s.warehouse_id = d.w and s.product_id = d.p`,
      [levels.map((l) => l.warehouseId), levels.map((l) => l.productId), levels.map((l) => l.quantity)],
    );
  }
  if (u.poLines.size) {
    await client.query(
      `update purchase_order_line l set cancelled_quantity = l.cancelled_quantity + d.q
         from unnest($1::uuid[], $2::int[]) as d(id, q) where l.id = d.id`,
      [[...u.poLines.keys()], [...u.poLines.values()]],
    );
    // A purchase order with nothing left open is cancelled, or received when anything arrived.
    await client.query(
      `update purchase_order po
          set status = case when exists (select 1 from purchase_order_line l where l.purchase_order_id = po.id and l.received_quantity > 0)
                            then 'RECEIVED' else 'CANCELLED' end,
              version = po.version + 1
        where po.id = any($1::uuid[])
          and not exists (select 1 from purchase_order_line l
                           where l.purchase_order_id = po.id and l.quantity - l.received_quantity - l.cancelled_quantity > 0)`,
      [[...u.purchaseOrders]],
    );
  }
  if (u.customers.size) {
    const entries = [...u.customers.entries()];
    await client.query(
      `update customer c set termination_count = c.termination_count + d.n,
              last_termination_at = greatest(c.last_termination_at, d.last)
         from unnest($1::uuid[], $2::int[], $3::timestamptz[]) as d(id, n, last) where c.id = d.id`,
      [entries.map(([id]) => id), entries.map(([, c]) => c.count), entries.map(([, c]) => new Date(c.last).toISOString())],
    );
  }
}

async function writeBatch(client: pg.Client, tables: Tables, updates: Updates): Promise<void> {
  await client.query('begin');
  try {
    for (const rows of [
      tables.terminations,
      tables.lines,
      tables.steps,
      tables.confirmations,
      tables.settlements,
      tables.tasks,
      tables.audit,
    ]) {
      await rows.insert(client);
    }
    await applyUpdates(client, updates, tables);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
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
    const orders = new Map(
      (
        await loadOrders(
          client,
          slice.map((a) => a.order.id),
        )
      ).map((o) => [o.id, o]),
    );
    const tables = batchTables();
    const updates: Updates = {
      orders: [],
      lines: new Map(),
      reservations: [],
      stock: new Map(),
      poLines: new Map(),
      purchaseOrders: new Set(),
      customers: new Map(),
    };
    for (const { status, order } of slice) {
      generator.generate(orders.get(order.id)!, status, tables, updates);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
    await writeBatch(client, tables, updates);
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
