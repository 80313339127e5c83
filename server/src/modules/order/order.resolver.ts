import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { limitLength } from '../../common/errors.js';
import { loaded, loadedItems } from '../../common/loaders.js';
import { Invoice } from '../finance/invoice.entity.js';
import { Payment } from '../finance/payment.entity.js';
import { Reservation } from '../inventory/reservation.entity.js';
import { PurchaseOrder } from '../purchasing/purchase-order.entity.js';
import { PurchaseOrderLine } from '../purchasing/purchase-order-line.entity.js';
import { Contract } from './contract.entity.js';
import { Customer } from './customer.entity.js';
import { OrderFilter, SalesOrderConnection } from './order.types.js';
import { Product } from './product.entity.js';
import { SalesOrderLine } from './sales-order-line.entity.js';
import { SalesOrder } from './sales-order.entity.js';
import { Shipment } from './shipment.entity.js';
import { Decimal, money } from '../../common/money.js';
import { Termination } from '../termination/termination.entity.js';

@Resolver(() => Shipment)
export class ShipmentResolver {
  @FieldResolver(() => SalesOrderLine)
  line(@Root() shipment: Shipment, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(SalesOrderLine, shipment.line.id);
  }
}

@Resolver(() => SalesOrder)
export class SalesOrderResolver {
  @Authorized('orders:read')
  @Query(() => SalesOrderConnection, { description: 'Orders, newest first' })
  orders(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => OrderFilter, { nullable: true }) filter: OrderFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return ctx.services.orders.list(ctx, filter, first, after);
  }

  @Authorized('orders:read')
  @Query(() => SalesOrder, { nullable: true })
  order(@Ctx() ctx: RequestContext, @Arg('number', () => String) number: string) {
    return ctx.services.orders.byNumber(ctx, limitLength(number, 40, 'number'));
  }

  @FieldResolver(() => Customer)
  customer(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return loaded(order.customer) ?? ctx.loaders.one(Customer, order.customer.id);
  }

  @FieldResolver(() => Contract)
  contract(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Contract, order.contract.id);
  }

  @FieldResolver(() => [SalesOrderLine])
  lines(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return loadedItems(order.lines) ?? ctx.loaders.children(SalesOrderLine, 'order', order.id, { lineNo: 'asc' });
  }

  @FieldResolver(() => [PurchaseOrder], { description: 'Purchase orders buying for any line of this order' })
  purchaseOrders(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.services.orders.purchaseOrders(ctx, order.id);
  }

  @FieldResolver(() => [Termination], { description: 'Terminations of this order, newest first' })
  terminations(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(Termination, 'order', order.id, { createdAt: 'desc' });
  }

  @FieldResolver(() => [Shipment])
  shipments(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(Shipment, 'order', order.id, { shippedAt: 'asc' });
  }

  @FieldResolver(() => [Invoice])
  invoices(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(Invoice, 'order', order.id, { issuedOn: 'asc' });
  }

  @FieldResolver(() => [Payment])
  payments(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(Payment, 'order', order.id, { paidOn: 'asc' });
  }

  @FieldResolver(() => String, { description: 'Sum of invoices issued' })
  amountInvoiced(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.services.orders.amountInvoiced(ctx, order.id);
  }

  @FieldResolver(() => String, { description: 'Sum of payments received' })
  amountPaid(@Root() order: SalesOrder, @Ctx() ctx: RequestContext) {
    return ctx.services.orders.amountPaid(ctx, order.id);
  }
}

@Resolver(() => SalesOrderLine)
export class SalesOrderLineResolver {
  @FieldResolver(() => String, { description: 'quantity × unit price' })
  amount(@Root() line: SalesOrderLine) {
    return money(new Decimal(line.unitPrice).times(line.quantity));
  }

  @FieldResolver(() => Product)
  product(@Root() line: SalesOrderLine, @Ctx() ctx: RequestContext) {
    return loaded(line.product) ?? ctx.loaders.one(Product, line.product.id);
  }

  @FieldResolver(() => [Reservation])
  reservations(@Root() line: SalesOrderLine, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(Reservation, 'salesOrderLine', line.id);
  }

  @FieldResolver(() => [PurchaseOrderLine])
  purchaseOrderLines(@Root() line: SalesOrderLine, @Ctx() ctx: RequestContext) {
    return ctx.loaders.children(PurchaseOrderLine, 'salesOrderLine', line.id);
  }
}
