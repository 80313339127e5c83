import type { RequestContext } from '../../kernel/context.js';
import { sumMoney } from '../../common/money.js';
import { boundedCountSql, pageRequest, toConnection, type Connection } from '../../common/pagination.js';
import { queryPrepared } from '../../common/prepared-query.js';
import { likePattern } from '../../common/text.js';
import { ordersMatchingSql } from './order-search.js';
import { Invoice } from '../finance/invoice.entity.js';
import { Payment } from '../finance/payment.entity.js';
import { PurchaseOrder } from '../purchasing/purchase-order.entity.js';
import { SalesOrder } from './sales-order.entity.js';
import type { OrderFilter } from './order.types.js';

export class OrderService {
  async list(
    ctx: RequestContext,
    filter: OrderFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<SalesOrder>> {
    const page = pageRequest(first, after);
    const qb = ctx.em.createQueryBuilder(SalesOrder, 'o').select('o.*');
    const search = filter?.search?.trim();
    if (search) {
      const pattern = likePattern(search);
      const matching = ordersMatchingSql(search, '?');
      qb.andWhere(`o.id in (${matching})`, Array<string>(matching.split('?').length - 1).fill(pattern));
    }
    if (filter?.status?.length) qb.andWhere({ status: { $in: filter.status } });
    if (filter?.customerCode) qb.andWhere('o.customer_id = (select id from customer where code = ?)', [filter.customerCode]);
    if (filter?.productSku) {
      qb.andWhere('exists (select 1 from sales_order_line l join product p on p.id = l.product_id where l.order_id = o.id and p.sku = ?)', [
        filter.productSku,
      ]);
    }
    // Both counts run only when selected: the exact one reads every matching order.
    const counting = qb.clone();
    const totalCount = () => counting.clone().getCount('o.id');
    const countBounded = async () => {
      // A search alone is counted on its own branches, which stop at the bound; as `o.id in (…)`
      // under a limit, the planner walked the whole primary key to find the first matches.
      const searchOnly = search && !filter?.status?.length && !filter?.customerCode && !filter?.productSku;
      const ids = searchOnly ? null : counting.clone().select('o.id');
      const sql = ids ? ids.getQuery() : ordersMatchingSql(search!, '$1');
      // getQuery() numbers its placeholders ($1…), as a prepared statement takes them.
      const [row] = await queryPrepared<{ n: number }>(ctx.em, boundedCountSql(sql), ids ? ids.getParams() : [likePattern(search!)]);
      return row!.n;
    };
    if (page.after) qb.andWhere('(o.order_date, o.id) < (?, ?)', page.after);
    const rows = await qb
      .orderBy({ orderDate: 'desc', id: 'desc' })
      .limit(page.limit + 1)
      .getResultList();
    return toConnection(rows, page, totalCount, (o) => o.orderDate, countBounded);
  }

  async byNumber(ctx: RequestContext, number: string): Promise<SalesOrder | null> {
    return ctx.em.findOne(SalesOrder, { number: number.trim() });
  }

  /** Purchase orders that buy for any line of the order, batched across orders. */
  purchaseOrders(ctx: RequestContext, orderId: string): Promise<PurchaseOrder[]> {
    return ctx.loaders
      .custom<PurchaseOrder[]>('SalesOrder.purchaseOrders', async (orderIds) => {
        const rows = await ctx.em.getConnection().execute<{ order_id: string; po_id: string }[]>(
          `select distinct l.order_id, pol.purchase_order_id as po_id
               from purchase_order_line pol join sales_order_line l on l.id = pol.sales_order_line_id
              where l.order_id in (${orderIds.map(() => '?').join(',')})`,
          [...orderIds],
        );
        const pos = await ctx.em.find(
          PurchaseOrder,
          { id: { $in: [...new Set(rows.map((r) => r.po_id))] } },
          { orderBy: { number: 'asc' } },
        );
        const byId = new Map(pos.map((po) => [po.id, po]));
        return orderIds.map((id) =>
          rows
            .filter((r) => r.order_id === id)
            .map((r) => byId.get(r.po_id)!)
            .filter(Boolean),
        );
      })
      .load(orderId);
  }

  async amountInvoiced(ctx: RequestContext, orderId: string): Promise<string> {
    const invoices = await ctx.loaders.children(Invoice, 'order', orderId, { issuedOn: 'asc' });
    return sumMoney(invoices.map((i) => i.amount));
  }

  async amountPaid(ctx: RequestContext, orderId: string): Promise<string> {
    const payments = await ctx.loaders.children(Payment, 'order', orderId, { paidOn: 'asc' });
    return sumMoney(payments.map((p) => p.amount));
  }
}
