import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { StockLevel } from '../inventory/stock-level.entity.js';
import { Customer } from '../order/customer.entity.js';
import { Product } from '../order/product.entity.js';
import { PurchaseOrder } from '../purchasing/purchase-order.entity.js';
import { Supplier } from '../purchasing/supplier.entity.js';
import {
  changedSince,
  CustomerConnection,
  ProductConnection,
  PurchaseOrderConnection,
  StockLevelConnection,
  SupplierConnection,
  SyncedRecordFilter,
} from './partner-reads.js';
import { SyncSource, syncSources } from './sync-sources.js';
import { SyncRecordsInput, SyncRecordsResult } from './sync.types.js';

type Filter = SyncedRecordFilter | null;

@Resolver()
export class SyncResolver {
  @Authorized('erp:sync')
  @Mutation(() => SyncRecordsResult, {
    description: 'An ERP pushes its records by external id: up to 500 a call, any mix of kinds, one outcome per record',
  })
  syncRecords(@Ctx() ctx: RequestContext, @Arg('input', () => SyncRecordsInput) input: SyncRecordsInput) {
    return ctx.services.sync.syncRecords(ctx, input);
  }

  @Authorized('admin:manage')
  @Query(() => [SyncSource], {
    description: 'Per sending system: its last sync, records by outcome (last call and in all) and the latest row errors',
  })
  syncSources(@Ctx() ctx: RequestContext) {
    return syncSources(ctx.em);
  }

  @Authorized('orders:read')
  @Query(() => CustomerConnection, { description: 'Customers in the order they last changed' })
  customers(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => SyncedRecordFilter, { nullable: true }) filter: Filter,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return changedSince(ctx.em, Customer, filter, first, after);
  }

  @Authorized('orders:read')
  @Query(() => SupplierConnection, { description: 'Suppliers in the order they last changed' })
  suppliers(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => SyncedRecordFilter, { nullable: true }) filter: Filter,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return changedSince(ctx.em, Supplier, filter, first, after);
  }

  @Authorized('orders:read')
  @Query(() => ProductConnection, { description: 'Products in the order they last changed' })
  products(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => SyncedRecordFilter, { nullable: true }) filter: Filter,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return changedSince(ctx.em, Product, filter, first, after);
  }

  @Authorized('orders:read')
  @Query(() => PurchaseOrderConnection, { description: 'Purchase orders in the order they last changed' })
  purchaseOrders(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => SyncedRecordFilter, { nullable: true }) filter: Filter,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return changedSince(ctx.em, PurchaseOrder, filter, first, after);
  }

  @Authorized('orders:read')
  @Query(() => StockLevelConnection, { description: 'Stock levels in the order they last changed' })
  stockLevels(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => SyncedRecordFilter, { nullable: true }) filter: Filter,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return changedSince(ctx.em, StockLevel, filter, first, after);
  }
}
