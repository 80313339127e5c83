import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { PurchaseOrderLine } from './purchase-order-line.entity.js';
import { PurchaseOrder } from './purchase-order.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { Supplier } from './supplier.entity.js';
import { SupplierNoticeView, supplierNoticesBy } from './supplier-notices.js';

@Resolver(() => PurchaseOrder)
export class PurchaseOrderResolver {
  @FieldResolver(() => [PurchaseOrderLine])
  lines(@Root() po: PurchaseOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(PurchaseOrderLine, 'purchaseOrder', po.id);
  }

  @FieldResolver(() => Supplier)
  async supplier(@Root() po: PurchaseOrder, @Ctx() ctx: RequestContext): Promise<Supplier> {
    return (await ctx.loaders.one(Supplier, po.supplier.id))!;
  }

  @FieldResolver(() => String, { description: "The supplier's code (same as supplier.code)" })
  async supplierCode(@Root() po: PurchaseOrder, @Ctx() ctx: RequestContext): Promise<string> {
    return (await this.supplier(po, ctx)).code;
  }

  @FieldResolver(() => String, { description: "The supplier's name (same as supplier.name)" })
  async supplierName(@Root() po: PurchaseOrder, @Ctx() ctx: RequestContext): Promise<string> {
    return (await this.supplier(po, ctx)).name;
  }

  @FieldResolver(() => [SupplierNoticeView], {
    description: "The PO's history with its supplier: each cancellation notice a termination sent (or phone task it opened), oldest first",
  })
  supplierNotices(@Root() po: PurchaseOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders
      .custom<SupplierNoticeView[]>('PurchaseOrder.supplierNotices', async (ids) => {
        const byPo = await supplierNoticesBy(ctx.em, 'purchaseOrder', ids);
        return ids.map((id) => byPo.get(id) ?? []);
      })
      .load(po.id);
  }
}

@Resolver(() => PurchaseOrderLine)
export class PurchaseOrderLineResolver {
  @FieldResolver(() => Product)
  product(@Root() line: PurchaseOrderLine, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Product, line.product.id);
  }

  @FieldResolver(() => String, { description: 'Number of the sales order this line buys for' })
  async salesOrderNumber(@Root() line: PurchaseOrderLine, @Ctx() ctx: RequestContext) {
    const soLine = await ctx.loaders.one(SalesOrderLine, line.salesOrderLine.id);
    const order = soLine && (await ctx.loaders.one(SalesOrder, soLine.order.id));
    return order?.number ?? '';
  }
}

@Resolver(() => Termination)
export class TerminationSupplierNoticesResolver {
  @FieldResolver(() => [SupplierNoticeView], {
    description: 'The cancellation notice of each purchase order the effect cancelled or reduced, to its supplier; oldest first',
  })
  supplierNotices(@Root() t: Termination, @Ctx() ctx: RequestContext) {
    return ctx.loaders
      .custom<SupplierNoticeView[]>('Termination.supplierNotices', async (ids) => {
        const byTermination = await supplierNoticesBy(ctx.em, 'termination', ids);
        return ids.map((id) => byTermination.get(id) ?? []);
      })
      .load(t.id);
  }
}
