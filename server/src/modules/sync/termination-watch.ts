import type { EntityManager } from '@mikro-orm/postgresql';
import type { TransactionScope } from '../../kernel/transaction.js';
import type { NotificationService } from '../notification/notification.service.js';
import { RUNNING_TERMINATION } from './kinds/sales-order.sync.js';
import { placeholders } from './sql-write.js';

/**
 * The requester of a running termination is told when a sync changes what the termination saw:
 * the order's stage, status, total, invoiced and paid amounts, its lines, the purchase orders,
 * reservations and shipments of its lines. Changes a sync may not make at all (a line below what
 * is being terminated, …) are refused by the kinds; this only reports the accepted ones.
 *
 * The picture is read with SQL before the call's records are applied and again after its flush,
 * for the running terminations of the orders the call's records touch, and compared item by item.
 */

/** One fact of a termination's picture: a label in each language and a language-neutral value. */
interface Item {
  zh: string;
  en: string;
  value: string;
}

/** Per running termination (by id): its facts by key. */
export type Pictures = Map<string, { number: string; orderNumber: string; requesterId: string; items: Map<string, Item> }>;

type Ids = string[];

function idsOf(input: Record<string, unknown>, field: string, property = 'externalId'): Ids {
  const rows = (input[field] as Record<string, unknown>[] | null | undefined) ?? [];
  return [
    ...new Set(
      rows
        .map((r) => r?.[property])
        .filter((v): v is string => typeof v === 'string' && !!v.trim())
        .map((v) => v.trim()),
    ),
  ];
}

function lineRefsOf(input: Record<string, unknown>): Ids {
  const poLines = ((input.purchaseOrders as { lines?: { salesOrderLineExternalId?: unknown }[] | null }[] | null) ?? []).flatMap(
    (po) => po?.lines ?? [],
  );
  const refs = [
    ...poLines.map((l) => l?.salesOrderLineExternalId),
    ...idsOf(input, 'reservations', 'salesOrderLineExternalId'),
    ...idsOf(input, 'shipments', 'salesOrderLineExternalId'),
  ];
  return [...new Set(refs.filter((v): v is string => typeof v === 'string' && !!v.trim()).map((v) => v.trim()))];
}

/**
 * Per kind of sent id: the orders a row of that table holds (alias `r`, found by `r.source` and
 * `r.external_id`). Each is looked up with `external_id in (…)` beside `source = …`, so that both
 * columns of the (source, external_id) index bound the scan whatever the planner believes about
 * the source (a new one it has not counted yet: an `in (select jsonb_array_elements_text(…))`
 * filter read every row of the source on each call).
 */
const TOUCHED = {
  orders: 'select r.id as order_id from sales_order r',
  lines: 'select r.order_id from sales_order_line r',
  pos: `select sol.order_id from purchase_order r join purchase_order_line pol on pol.purchase_order_id = r.id
          join sales_order_line sol on sol.id = pol.sales_order_line_id`,
  reservations: 'select sol.order_id from reservation r join sales_order_line sol on sol.id = r.sales_order_line_id',
  shipments: 'select r.order_id from shipment r',
  invoices: 'select r.order_id from invoice r',
  payments: 'select r.order_id from payment r',
} as const;

/** Running terminations of the orders the call's records are, or point at, as stored now. */
async function watchedTerminations(em: EntityManager, source: string, input: Record<string, unknown>): Promise<string[]> {
  const sent: Record<keyof typeof TOUCHED, Ids> = {
    orders: [...new Set([...idsOf(input, 'salesOrders'), ...idsOf(input, 'invoices', 'salesOrderExternalId')])],
    lines: lineRefsOf(input),
    pos: idsOf(input, 'purchaseOrders'),
    reservations: idsOf(input, 'reservations'),
    shipments: idsOf(input, 'shipments'),
    invoices: [...new Set([...idsOf(input, 'invoices'), ...idsOf(input, 'payments', 'invoiceExternalId')])],
    payments: idsOf(input, 'payments'),
  };
  const parts = (Object.keys(TOUCHED) as (keyof typeof TOUCHED)[]).filter((k) => sent[k].length);
  if (!parts.length) return [];
  const rows: { id: string }[] = await em.execute(
    `with touched as (${parts
      .map((k) => `${TOUCHED[k]} where r.source = ? and r.external_id in (${placeholders(sent[k].length)})`)
      .join('\n union ')})
     select t.id from termination t join touched on touched.order_id = t.order_id
      where t.status in (${placeholders(RUNNING_TERMINATION.length)})`,
    [...parts.flatMap((k) => [source, ...sent[k]]), ...RUNNING_TERMINATION],
  );
  return rows.map((r) => r.id);
}

/** The facts of the given terminations, as the database has them now. */
async function picturesOf(em: EntityManager, terminationIds: string[]): Promise<Pictures> {
  const pictures: Pictures = new Map();
  if (!terminationIds.length) return pictures;
  const rows: {
    tid: string;
    number: string;
    order_number: string;
    requester: string;
    key: string;
    zh: string;
    en: string;
    value: string;
  }[] = await em.execute(
    `with t as (
       select t.id as tid, t.number, t.requested_by_id as requester, o.id as order_id, o.number as order_number
         from termination t join sales_order o on o.id = t.order_id where t.id in (select jsonb_array_elements_text(?::jsonb)::uuid)),
     facts as (
       select t.tid, 'order.stage' as key, '订单阶段' as zh, 'Order stage' as en, o.stage::text as value
         from t join sales_order o on o.id = t.order_id
       union all select t.tid, 'order.total', '订单总额', 'Order total', o.total_amount::text || ' ' || o.currency
         from t join sales_order o on o.id = t.order_id
       union all select t.tid, 'order.invoiced', '已开票金额', 'Amount invoiced', coalesce(sum(i.amount), 0)::text
         from t left join invoice i on i.order_id = t.order_id group by t.tid
       union all select t.tid, 'order.paid', '已付款金额', 'Amount paid', coalesce(sum(p.amount), 0)::text
         from t left join payment p on p.order_id = t.order_id group by t.tid
       union all select t.tid, 'line:' || l.id, '第 ' || l.line_no || ' 行（产品 / 数量 / 单价 / 已发货）',
              'Line ' || l.line_no || ' (product / quantity / unit price / shipped)',
              pr.sku || ' / ' || l.quantity || ' / ' || l.unit_price || ' / ' || l.shipped_quantity
         from t join sales_order_line l on l.order_id = t.order_id join product pr on pr.id = l.product_id
       union all select t.tid, 'po:' || po.id, '采购单 ' || po.number || ' 状态', 'Purchase order ' || po.number || ' status', po.status::text
         from t join sales_order_line l on l.order_id = t.order_id
         join purchase_order_line pol on pol.sales_order_line_id = l.id join purchase_order po on po.id = pol.purchase_order_id
         group by t.tid, po.id
       union all select t.tid, 'po-line:' || pol.id,
              '采购单 ' || po.number || '（第 ' || l.line_no || ' 行：数量 / 已收 / 已取消 / 单价）',
              'Purchase order ' || po.number || ' (line ' || l.line_no || ': quantity / received / cancelled / unit cost)',
              pol.quantity || ' / ' || pol.received_quantity || ' / ' || pol.cancelled_quantity || ' / ' || pol.unit_cost
         from t join sales_order_line l on l.order_id = t.order_id
         join purchase_order_line pol on pol.sales_order_line_id = l.id join purchase_order po on po.id = pol.purchase_order_id
       union all select t.tid, 'reservation:' || r.id, '预留（仓库 ' || w.code || '，第 ' || l.line_no || ' 行）',
              'Reservation (warehouse ' || w.code || ', line ' || l.line_no || ')', r.quantity || ' ' || r.status
         from t join sales_order_line l on l.order_id = t.order_id
         join reservation r on r.sales_order_line_id = l.id join warehouse w on w.id = r.warehouse_id
       union all select t.tid, 'shipment:' || s.id, '发运 ' || s.number || '（第 ' || l.line_no || ' 行）',
              'Shipment ' || s.number || ' (line ' || l.line_no || ')', s.quantity || ' ' || s.status
         from t join shipment s on s.order_id = t.order_id join sales_order_line l on l.id = s.line_id)
     select f.*, t.number, t.order_number, t.requester from facts f join t on t.tid = f.tid order by f.key`,
    [JSON.stringify(terminationIds)],
  );
  for (const r of rows) {
    const picture =
      pictures.get(r.tid) ??
      pictures.set(r.tid, { number: r.number, orderNumber: r.order_number, requesterId: r.requester, items: new Map() }).get(r.tid)!;
    picture.items.set(r.key, { zh: r.zh, en: r.en, value: r.value });
  }
  return pictures;
}

/** Before the call's records are applied: the pictures of the running terminations they may change. */
export async function picturesBefore(em: EntityManager, source: string, input: Record<string, unknown>): Promise<Pictures> {
  return picturesOf(em, await watchedTerminations(em, source, input));
}

export interface PictureChange {
  zh: string;
  en: string;
  before: string | null;
  after: string | null;
}

/** What differs between two pictures of one termination, in key order. */
export function changesBetween(before: Map<string, Item>, after: Map<string, Item>): PictureChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.flatMap((key) => {
    const b = before.get(key);
    const a = after.get(key);
    if (b?.value === a?.value) return [];
    const label = (a ?? b)!;
    return [{ zh: label.zh, en: label.en, before: b?.value ?? null, after: a?.value ?? null }];
  });
}

/** Changes listed in one notice; the rest are counted. */
const MAX_LISTED = 10;

function describe(changes: PictureChange[], language: 'zh' | 'en'): string {
  const none = '—';
  const lines = changes.slice(0, MAX_LISTED).map((c) => `${c[language]}: ${c.before ?? none} → ${c.after ?? none}`);
  const more = changes.length - MAX_LISTED;
  if (more > 0) lines.push(language === 'zh' ? `……另有 ${more} 项更改` : `… and ${more} more changes`);
  return lines.join('\n');
}

/**
 * After the call's flush: compares each watched termination's picture with the one before and
 * tells its requester what changed, in their language (the notice is rendered for each reader). Returns how many were told.
 */
export async function tellRequesters(
  scope: TransactionScope,
  notifications: NotificationService,
  source: string,
  before: Pictures,
): Promise<number> {
  if (!before.size) return 0;
  const after = await picturesOf(scope.em, [...before.keys()]);
  const changed = [...before].flatMap(([tid, b]) => {
    const changes = changesBetween(b.items, after.get(tid)?.items ?? new Map());
    return changes.length ? [{ tid, picture: b, changes }] : [];
  });
  if (!changed.length) return 0;
  for (const { tid, picture, changes } of changed) {
    await notifications.toUsers(scope, [picture.requesterId], {
      kind: 'TERMINATION_CHANGED_BY_SYNC',
      params: {
        number: picture.number,
        order: picture.orderNumber,
        source,
        zh: describe(changes, 'zh'),
        en: describe(changes, 'en'),
      },
      link: `/terminations/${picture.number}`,
      terminationId: tid,
    });
  }
  return changed.length;
}
