import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { Product } from '../order/product.entity.js';
import { SalesOrderLine } from '../order/sales-order-line.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { PurchaseOrderLine } from './purchase-order-line.entity.js';
import { PurchaseOrder } from './purchase-order.entity.js';
import { Supplier } from './supplier.entity.js';

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
