import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { OrderStatus, PurchaseOrderStatus } from '@ot/shared';
import type pg from 'pg';
import { PURCHASE_ORDER_FIELDS } from '../modules/sync/kinds/purchase-order.sync.js';
import { Rows, writeBatch } from './bulk-rows.js';
import { dateOf, FIRST_ORDER_DAY, LAST_ORDER_DAY, TODAY } from './demo-calendar.js';
import { CARRIERS, COMMITTED_PO, OPEN_STATUSES, PENALTY_RATES, phaseOf, poStatusFor, quantityFor } from './demo-rules.js';
import { Random } from './random.js';

/*
 * Bulk data for benchmarks, appended to a database that already holds the demo seed. Rows are
 * built in memory per batch and written with `insert … select from unnest(…)`, one transaction per
 * batch. Money is computed in integer cents: exact like decimal.js, and fast enough for millions
 * of values.
 */

const ORDERS_PER_BATCH = 2000;
const STATUS_WEIGHTS: [OrderStatus, number][] = [
  ['DRAFT', 3],
  ['CONFIRMED', 28],
  ['IN_PRODUCTION', 20],
  ['PARTIALLY_SHIPPED', 12],
  ['SHIPPED', 15],
  ['COMPLETED', 22],
];
/** Latest order day per status, so that shipping and delivery fit before today. */
const LATEST_DAY: Partial<Record<OrderStatus, number>> = { COMPLETED: TODAY - 60, SHIPPED: TODAY - 10, PARTIALLY_SHIPPED: TODAY - 10 };

// --- reference data -------------------------------------------------------------------------

interface RefCustomer {
  id: string;
  contractId: string;
  currency: string;
}

interface RefStock {
  id: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  /** What this run added, written back per batch. */
  onHandDelta: number;
  reservedDelta: number;
}

interface RefProduct {
  id: string;
  listCents: number;
  active: boolean;
  supplier: Supplier;
  stock: RefStock[];
}

type Supplier = [id: string, code: string];

interface Reference {
  customers: RefCustomer[];
  products: RefProduct[];
  activeProducts: RefProduct[];
  stock: RefStock[];
}

async function loadReference(client: pg.Client): Promise<Reference> {
  const customers = await client.query<{ id: string; contract_id: string; currency: string }>(`
    select c.id, ct.id as contract_id,
           coalesce((select so.currency from sales_order so where so.customer_id = c.id order by so.order_date limit 1), 'CNY') as currency
      from customer c
      join lateral (select id from contract where customer_id = c.id order by valid_from desc limit 1) ct on true
     order by c.code`);
  const products = await client.query<{ id: string; list_price: string; status: string }>(
    'select id, list_price::text, status from product order by sku',
  );
  // Each product keeps buying from the supplier the demo data already uses for it.
  const supplierRows = await client.query<{ product_id: string | null; supplier_id: string; supplier_code: string }>(`
    select distinct on (pol.product_id) pol.product_id, po.supplier_id, s.code as supplier_code
      from purchase_order_line pol join purchase_order po on po.id = pol.purchase_order_id join supplier s on s.id = po.supplier_id
     order by pol.product_id, po.number`);
  const stockRows = await client.query<{ id: string; warehouse_id: string; product_id: string; on_hand: number; reserved: number }>(
    'select id, warehouse_id, product_id, on_hand, reserved from stock_level order by warehouse_id, product_id',
  );
  if (customers.rowCount === 0 || products.rowCount === 0 || supplierRows.rowCount === 0) {
    throw new Error('seedVolume needs the demo seed (customers, contracts, products, purchase orders) first');
  }
  const suppliers = new Map(supplierRows.rows.map((r) => [r.product_id, [r.supplier_id, r.supplier_code] as Supplier]));
  const fallback = [...suppliers.values()];
  const stock = stockRows.rows.map((r) => ({
    id: r.id,
    warehouseId: r.warehouse_id,
    onHand: r.on_hand,
    reserved: r.reserved,
    onHandDelta: 0,
    reservedDelta: 0,
  }));
  const stockOf = (productId: string) => stock.filter((_, i) => stockRows.rows[i]!.product_id === productId);
  const refProducts = products.rows.map((p, i) => ({
    id: p.id,
    listCents: Math.round(Number(p.list_price) * 100),
    active: p.status === 'ACTIVE',
    supplier: suppliers.get(p.id) ?? fallback[i % fallback.length]!,
    stock: stockOf(p.id),
  }));
  return {
    customers: customers.rows.map((c) => ({ id: c.id, contractId: c.contract_id, currency: c.currency })),
    products: refProducts,
    activeProducts: refProducts.filter((p) => p.active),
    stock,
  };
}

/** How many volume rows exist already, so a second run appends after them instead of colliding. */
async function loadOffsets(client: pg.Client): Promise<Record<Counter, number>> {
  const { rows } = await client.query<Record<Counter, string>>(`
    select (select count(*) from sales_order where number like 'SO-V-%') as order,
           (select count(*) from shipment where number like 'SH-V-%') as shipment,
           (select count(*) from purchase_order where number like 'PO-V-%') as po,
           (select count(*) from invoice where number like 'INV-V-%') as invoice,
           (select count(*) from payment where reference like 'PAY-V-%') as payment`);
  const row = rows[0]!;
  return {
    order: Number(row.order),
    shipment: Number(row.shipment),
    po: Number(row.po),
    invoice: Number(row.invoice),
    payment: Number(row.payment),
  };
}

// --- row buffers ------------------------------------------------------------------------------

function batchTables() {
  return {
    orders: new Rows('sales_order', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['number', 'text'],
      ['customer_id', 'uuid'],
      ['contract_id', 'uuid'],
      ['status', 'text'],
      ['stage', 'text'],
      ['currency', 'text'],
      ['total_amount', 'numeric'],
      ['order_date', 'date'],
      ['requested_delivery_date', 'date'],
    ]),
    lines: new Rows('sales_order_line', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['order_id', 'uuid'],
      ['line_no', 'int'],
      ['product_id', 'uuid'],
      ['quantity', 'int'],
      ['shipped_quantity', 'int'],
      ['unit_price', 'numeric'],
    ]),
    purchaseOrders: new Rows('purchase_order', [['id', 'uuid'], ['created_at', 'timestamptz'], ...PURCHASE_ORDER_FIELDS]),
    purchaseLines: new Rows('purchase_order_line', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['purchase_order_id', 'uuid'],
      ['product_id', 'uuid'],
      ['sales_order_line_id', 'uuid'],
      ['quantity', 'int'],
      ['received_quantity', 'int'],
      ['unit_cost', 'numeric'],
    ]),
    shipments: new Rows('shipment', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['number', 'text'],
      ['order_id', 'uuid'],
      ['line_id', 'uuid'],
      ['quantity', 'int'],
      ['status', 'text'],
      ['carrier', 'text'],
      ['shipped_at', 'timestamptz'],
      ['delivered_at', 'timestamptz'],
    ]),
    reservations: new Rows('reservation', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['sales_order_line_id', 'uuid'],
      ['warehouse_id', 'uuid'],
      ['product_id', 'uuid'],
      ['quantity', 'int'],
      ['status', 'text'],
    ]),
    invoices: new Rows('invoice', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['number', 'text'],
      ['order_id', 'uuid'],
      ['amount', 'numeric'],
      ['issued_on', 'date'],
    ]),
    payments: new Rows('payment', [
      ['id', 'uuid'],
      ['created_at', 'timestamptz'],
      ['reference', 'text'],
      ['order_id', 'uuid'],
      ['amount', 'numeric'],
      ['method', 'text'],
      ['paid_on', 'date'],
    ]),
  };
}

type Tables = ReturnType<typeof batchTables>;

// --- helpers ------------------------------------------------------------------------------------

type Counter = 'order' | 'shipment' | 'po' | 'invoice' | 'payment';

/** Timestamp literal on a day, China time; on TODAY before 09:00, the demo data's "now". */
function stamp(day: number, hour: number, minute: number): string {
  if (day >= TODAY) hour = 7 + (hour % 2);
  return `${dateOf(day)}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`;
}

function cents(value: number): string {
  const whole = Math.trunc(value / 100);
  return `${whole}.${String(value % 100).padStart(2, '0')}`;
}

interface VLine {
  id: string;
  lineNo: number;
  product: RefProduct;
  quantity: number;
  shipped: number;
  priceCents: number;
}

interface VOrder {
  id: string;
  customer: RefCustomer;
  status: OrderStatus;
  day: number;
  lines: VLine[];
  totalCents: number;
  lastShipDay: number;
  purchaseCommitted: boolean;
}

interface VPurchase {
  id: string;
  supplier: Supplier;
  status: PurchaseOrderStatus;
  day: number;
  orders: Set<VOrder>;
  lines: { line: VLine; quantity: number; costCents: number }[];
}

// --- generator ------------------------------------------------------------------------------------

class VolumeGenerator {
  private readonly counters: Record<Counter, number>;

  constructor(
    private readonly rng: Random,
    private readonly ref: Reference,
    offsets: Record<Counter, number>,
  ) {
    this.counters = { ...offsets };
  }

  private next(counter: Counter, prefix: string): string {
    this.counters[counter] += 1;
    return `${prefix}${String(this.counters[counter]).padStart(7, '0')}`;
  }

  /** Builds one batch of orders and everything hanging off them. */
  batch(count: number): Tables {
    const tables = batchTables();
    const orders = Array.from({ length: count }, () => this.order(tables));
    const purchases = this.purchasing(orders);
    for (const purchase of purchases) this.emitPurchase(tables, purchase);
    for (const order of orders) {
      this.emitOrder(tables, order);
      this.reserve(tables, order);
      this.invoice(tables, order);
    }
    return tables;
  }

  private order(tables: Tables): VOrder {
    const { rng } = this;
    const status = rng.weighted(STATUS_WEIGHTS);
    const day = rng.int(FIRST_ORDER_DAY, LATEST_DAY[status] ?? LAST_ORDER_DAY);
    const customer = rng.pick(this.ref.customers);
    const closed = status === 'SHIPPED' || status === 'COMPLETED';
    const products = rng.sample(closed ? this.ref.products : this.ref.activeProducts, rng.int(1, 4));
    const order: VOrder = { id: randomUUID(), customer, status, day, lines: [], totalCents: 0, lastShipDay: day, purchaseCommitted: false };
    order.lines = products.map((product, i) => {
      const factor = (100 + rng.int(-8, 4)) / 100;
      const priceCents = Math.round((product.listCents * factor) / (customer.currency === 'USD' ? 7.12 : 1));
      const quantity = Math.max(quantityFor(rng, product.listCents), status === 'PARTIALLY_SHIPPED' && i === 0 ? 2 : 1);
      order.totalCents += priceCents * quantity;
      return { id: randomUUID(), lineNo: i + 1, product, quantity, shipped: 0, priceCents };
    });
    this.ship(tables, order);
    return order;
  }

  private ship(tables: Tables, order: VOrder): void {
    const { status } = order;
    if (status === 'SHIPPED' || status === 'COMPLETED') {
      for (const line of order.lines) this.shipLine(tables, order, line, line.quantity);
    } else if (status === 'PARTIALLY_SHIPPED') {
      order.lines.forEach((line, i) => {
        // Line 1 ships partly, so the order always has both shipped and open quantity.
        const mode =
          i === 0
            ? 'partial'
            : this.rng.weighted([
                ['full', 4],
                ['partial', 2],
                ['none', 4],
              ]);
        if (mode === 'full') this.shipLine(tables, order, line, line.quantity);
        else if (mode === 'partial' && line.quantity >= 2) this.shipLine(tables, order, line, this.rng.int(1, line.quantity - 1));
      });
    }
  }

  private shipLine(tables: Tables, order: VOrder, line: VLine, quantity: number): void {
    const { rng } = this;
    const latest = order.status === 'COMPLETED' ? TODAY - 5 : TODAY;
    const day = Math.min(order.day + rng.int(3, 45), latest);
    const inTransit = day >= TODAY - 3;
    const delivered = inTransit ? null : stamp(Math.min(day + rng.int(1, 3), TODAY - 1), rng.int(9, 18), rng.int(0, 59));
    const shippedAt = stamp(day, rng.int(8, 17), rng.int(0, 59));
    line.shipped += quantity;
    order.lastShipDay = Math.max(order.lastShipDay, day);
    tables.shipments.add([
      randomUUID(),
      shippedAt,
      this.next('shipment', 'SH-V-'),
      order.id,
      line.id,
      quantity,
      inTransit ? 'IN_TRANSIT' : 'DELIVERED',
      rng.pick(CARRIERS),
      shippedAt,
      delivered,
    ]);
  }

  /**
   * About half of the non-draft yuan orders buy some lines; lines group by supplier, and an open PO
   * of the same supplier and order status takes lines of up to three orders (shared POs).
   */
  private purchasing(orders: VOrder[]): VPurchase[] {
    const { rng } = this;
    const purchases: VPurchase[] = [];
    const pending = new Map<string, VPurchase>();
    for (const order of orders) {
      if (order.status === 'DRAFT' || order.customer.currency !== 'CNY' || !rng.chance(0.5)) continue;
      let lines = order.lines.filter(() => rng.chance(0.65));
      if (lines.length === 0) lines = [rng.pick(order.lines)];
      for (const line of lines) {
        const key = `${line.product.supplier[0]}|${order.status}`;
        let purchase = pending.get(key);
        const reusable = purchase && (purchase.orders.has(order) || (purchase.orders.size < 3 && rng.chance(0.4)));
        if (!purchase || !reusable) {
          purchase = {
            id: randomUUID(),
            supplier: line.product.supplier,
            status: poStatusFor(rng, phaseOf(order.status)),
            day: 0,
            orders: new Set(),
            lines: [],
          };
          purchases.push(purchase);
          pending.set(key, purchase);
        }
        purchase.orders.add(order);
        purchase.day = Math.min(Math.max(purchase.day, order.day + rng.int(1, 4)), TODAY);
        const quantity = rng.chance(0.8) ? line.quantity : rng.int(Math.ceil(line.quantity / 2), line.quantity);
        purchase.lines.push({ line, quantity, costCents: Math.round((line.priceCents * rng.int(58, 82)) / 100) });
        if (COMMITTED_PO.includes(purchase.status)) order.purchaseCommitted = true;
      }
    }
    return purchases;
  }

  private emitPurchase(tables: Tables, purchase: VPurchase): void {
    const received = this.receipts(purchase);
    const createdAt = stamp(purchase.day, 14, 0);
    tables.purchaseOrders.add([
      purchase.id,
      createdAt,
      this.next('po', 'PO-V-'),
      purchase.supplier[0],
      purchase.status,
      'CNY',
      dateOf(purchase.day),
      this.rng.weighted(PENALTY_RATES),
    ]);
    purchase.lines.forEach(({ line, quantity, costCents }, i) => {
      tables.purchaseLines.add([randomUUID(), createdAt, purchase.id, line.product.id, line.id, quantity, received[i]!, cents(costCents)]);
    });
  }

  /** Received quantity per PO line, consistent with the PO status. */
  private receipts(purchase: VPurchase): number[] {
    const quantities = purchase.lines.map((l) => l.quantity);
    if (purchase.status === 'RECEIVED') return quantities;
    if (purchase.status !== 'PARTIALLY_RECEIVED') return quantities.map(() => 0);
    // Partly received: at least one unit in, at least one unit still out.
    const received = quantities.map((q) => this.rng.int(0, q));
    const total = quantities.reduce((a, b) => a + b, 0);
    if (total < 2) {
      purchase.status = 'CONFIRMED';
      return quantities.map(() => 0);
    }
    if (!received.some((r) => r > 0)) received[0] = 1;
    if (received.every((r, i) => r === quantities[i])) {
      const last = received.length - 1;
      received[last] = received.length > 1 ? 0 : quantities[last]! - 1;
    }
    return received;
  }

  private emitOrder(tables: Tables, order: VOrder): void {
    const { rng } = this;
    const createdAt = stamp(order.day, rng.int(9, 17), rng.int(0, 59));
    tables.orders.add([
      order.id,
      createdAt,
      this.next('order', 'SO-V-'),
      order.customer.id,
      order.customer.contractId,
      order.status,
      this.stageOf(order),
      order.customer.currency,
      cents(order.totalCents),
      dateOf(order.day),
      dateOf(order.day + rng.int(20, 60)),
    ]);
    for (const line of order.lines) {
      tables.lines.add([line.id, createdAt, order.id, line.lineNo, line.product.id, line.quantity, line.shipped, cents(line.priceCents)]);
    }
  }

  private stageOf(order: VOrder): string {
    switch (order.status) {
      case 'IN_PRODUCTION':
        return 'IN_PRODUCTION';
      case 'PARTIALLY_SHIPPED':
      case 'SHIPPED':
      case 'COMPLETED':
        return 'SHIPPING';
      default:
        return order.purchaseCommitted ? 'PURCHASING_CONFIRMED' : 'BEFORE_PURCHASING';
    }
  }

  /** Shipped quantity was consumed from stock; open quantity is often reserved (restocking if short). */
  private reserve(tables: Tables, order: VOrder): void {
    if (order.status === 'DRAFT') return;
    const open = OPEN_STATUSES.includes(order.status);
    const createdAt = stamp(order.day + 1, 10, 0);
    for (const line of order.lines) {
      if (line.product.stock.length === 0) continue;
      const level = this.rng.pick(line.product.stock);
      if (line.shipped > 0) {
        tables.reservations.add([randomUUID(), createdAt, line.id, level.warehouseId, line.product.id, line.shipped, 'CONSUMED']);
      }
      const openQuantity = line.quantity - line.shipped;
      if (!open || openQuantity === 0 || !this.rng.chance(0.6)) continue;
      const shortfall = level.reserved + level.reservedDelta + openQuantity - (level.onHand + level.onHandDelta);
      if (shortfall > 0) level.onHandDelta += shortfall + this.rng.int(0, 50);
      level.reservedDelta += openQuantity;
      tables.reservations.add([randomUUID(), createdAt, line.id, level.warehouseId, line.product.id, openQuantity, 'ACTIVE']);
    }
  }

  private invoice(tables: Tables, order: VOrder): void {
    const prepayment = Math.round((order.totalCents * 3) / 10);
    switch (order.status) {
      case 'CONFIRMED':
      case 'IN_PRODUCTION':
      case 'PARTIALLY_SHIPPED':
        if (this.rng.chance(0.7)) this.bill(tables, order, prepayment, order.day + 1, this.rng.chance(0.8));
        break;
      case 'SHIPPED':
        this.bill(tables, order, prepayment, order.day + 1, true);
        this.bill(tables, order, order.totalCents - prepayment, order.lastShipDay + 1, this.rng.chance(0.5));
        break;
      case 'COMPLETED':
        this.bill(tables, order, prepayment, order.day + 1, true);
        this.bill(tables, order, order.totalCents - prepayment, order.lastShipDay + 1, true);
        break;
      default:
        break;
    }
  }

  /** One invoice, and its payment in full when paid and due by today. */
  private bill(tables: Tables, order: VOrder, amountCents: number, day: number, paid: boolean): void {
    if (amountCents <= 0) return;
    const { rng } = this;
    const issued = Math.min(day, TODAY);
    const amount = cents(amountCents);
    tables.invoices.add([randomUUID(), stamp(issued, 11, 0), this.next('invoice', 'INV-V-'), order.id, amount, dateOf(issued)]);
    const paidDay = Math.min(issued + rng.int(3, 20), TODAY);
    if (!paid) return;
    const method =
      amountCents < 2_000_000
        ? rng.pick(['ALIPAY', 'BANK_TRANSFER'])
        : rng.weighted([
            ['BANK_TRANSFER', 7],
            ['ACCEPTANCE_BILL', 3],
          ]);
    tables.payments.add([randomUUID(), stamp(paidDay, 15, 0), this.next('payment', 'PAY-V-'), order.id, amount, method, dateOf(paidDay)]);
  }
}

/** Adds this batch's reservations (and restocking) to the stock levels, then clears the deltas. */
async function applyStockDeltas(client: pg.Client, stock: RefStock[]): Promise<void> {
  const touched = stock.filter((s) => s.reservedDelta !== 0 || s.onHandDelta !== 0);
  if (touched.length === 0) return;
  await client.query(
    `update stock_level s set reserved = s.reserved + d.reserved, on_hand = s.on_hand + d.on_hand
       from unnest($1::uuid[], $2::int[], $3::int[]) as d(id, reserved, on_hand) where s.id = d.id`,
    [touched.map((s) => s.id), touched.map((s) => s.reservedDelta), touched.map((s) => s.onHandDelta)],
  );
  for (const s of touched) {
    s.reserved += s.reservedDelta;
    s.onHand += s.onHandDelta;
    s.reservedDelta = 0;
    s.onHandDelta = 0;
  }
}

/**
 * Appends `opts.orders` sales orders (SO-V-0000001…) with lines, shipments, purchase orders (some
 * shared), reservations, invoices and payments, reusing the demo customers, contracts, products
 * and warehouses. Deterministic apart from the uuids.
 */
export async function seedVolume(
  client: pg.Client,
  opts: { orders: number; log: (msg: string) => void },
): Promise<{ orders: number; ms: number }> {
  const started = performance.now();
  const ref = await loadReference(client);
  const offsets = await loadOffsets(client);
  const generator = new VolumeGenerator(new Random(0x5eed0000 + offsets.order), ref, offsets);
  for (let done = 0; done < opts.orders;) {
    const count = Math.min(ORDERS_PER_BATCH, opts.orders - done);
    const tables = generator.batch(count);
    await writeBatch(
      client,
      [
        tables.orders,
        tables.lines,
        tables.purchaseOrders,
        tables.purchaseLines,
        tables.shipments,
        tables.reservations,
        tables.invoices,
        tables.payments,
      ],
      () => applyStockDeltas(client, ref.stock),
    );
    done += count;
    if (done % (ORDERS_PER_BATCH * 10) === 0 || done === opts.orders) {
      opts.log(`volume seed: ${done}/${opts.orders} orders, ${Math.round(performance.now() - started)} ms`);
    }
  }
  // Fresh statistics, so benchmark query plans reflect the new volume.
  await client.query(
    'analyze sales_order, sales_order_line, purchase_order, purchase_order_line, shipment, reservation, invoice, payment, stock_level',
  );
  return { orders: opts.orders, ms: Math.round(performance.now() - started) };
}
