import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, InputType } from 'type-graphql';
import { badInput } from '../../common/errors.js';
import { ConnectionType, pageRequest, toConnection, type Connection } from '../../common/pagination.js';
import type { AnySyncedEntity as SyncedEntity } from '../../common/synced.entity.js';
import { likePattern } from '../../common/text.js';
import { StockLevel } from '../inventory/stock-level.entity.js';
import { Customer } from '../order/customer.entity.js';
import { Product } from '../order/product.entity.js';
import { PurchaseOrder } from '../purchasing/purchase-order.entity.js';
import { Supplier } from '../purchasing/supplier.entity.js';

export const CustomerConnection = ConnectionType('Customer', Customer);
export const SupplierConnection = ConnectionType('Supplier', Supplier);
export const ProductConnection = ConnectionType('Product', Product);
export const PurchaseOrderConnection = ConnectionType('PurchaseOrder', PurchaseOrder);
export const StockLevelConnection = ConnectionType('StockLevel', StockLevel);

@InputType({ description: 'Partner reads: every field narrows the list' })
export class SyncedRecordFilter {
  @Field(() => String, { nullable: true })
  source?: string | null;
  @Field(() => String, { nullable: true })
  externalId?: string | null;
  @Field(() => String, { nullable: true, description: 'Part of the code, SKU or number (for stock levels: of the product SKU)' })
  search?: string | null;
  @Field(() => Date, { nullable: true, description: 'Only records changed at or after this time' })
  updatedSince?: Date | null;
}

/** Which column `search` looks in, per entity. */
const SEARCH_COLUMN = new Map<unknown, string>([
  [Customer, 'code'],
  [Supplier, 'code'],
  [Product, 'sku'],
  [PurchaseOrder, 'number'],
]);

/**
 * A page of synchronised rows in the order they last changed (updatedAt, then id, oldest first),
 * so that a partner can poll with `updatedSince` and page on without missing a row.
 */
export async function changedSince<T extends SyncedEntity>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  filter: SyncedRecordFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<T>> {
  const page = pageRequest(first, after);
  const where: Record<string, unknown> = {};
  const and: Record<string, unknown>[] = [];
  if (filter?.source != null) where.source = limit(filter.source, 40, 'source');
  if (filter?.externalId != null) where.externalId = limit(filter.externalId, 128, 'externalId');
  if (filter?.updatedSince) {
    if (Number.isNaN(filter.updatedSince.getTime())) throw badInput('updatedSince is not a time.', 'updatedSince');
    where.updatedAt = { $gte: filter.updatedSince };
  }
  const search = filter?.search?.trim();
  if (search) {
    const pattern = likePattern(limit(search, 64, 'search'));
    const column = SEARCH_COLUMN.get(entity);
    if (column) where[column] = { $ilike: pattern };
    else and.push({ product: { sku: { $ilike: pattern } } });
  }
  const base = and.length ? { ...where, $and: and } : where;
  const keyset = page.after
    ? { $or: [{ updatedAt: { $gt: new Date(page.after[0]) } }, { updatedAt: new Date(page.after[0]), id: { $gt: page.after[1] } }] }
    : null;
  const rows = (await em.find(entity, (keyset ? { $and: [base, keyset] } : base) as never, {
    orderBy: { updatedAt: 'asc', id: 'asc' } as never,
    limit: page.limit + 1,
  })) as T[];
  return toConnection(
    rows,
    page,
    () => em.count(entity, base as never),
    (row) => row.updatedAt.toISOString(),
  );
}

function limit(value: string, max: number, field: string): string {
  if (value.length > max) throw badInput(`${field} may be at most ${max} characters.`, field);
  return value.trim();
}
