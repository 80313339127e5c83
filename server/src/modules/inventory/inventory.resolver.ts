import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../kernel/context.js';
import { Product } from '../order/product.entity.js';
import { Reservation } from './reservation.entity.js';
import { StockLevel } from './stock-level.entity.js';
import { Warehouse } from './warehouse.entity.js';

@Resolver(() => Reservation)
export class ReservationResolver {
  @FieldResolver(() => Warehouse)
  warehouse(@Root() reservation: Reservation, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Warehouse, reservation.warehouse.id);
  }

  @FieldResolver(() => Product)
  product(@Root() reservation: Reservation, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Product, reservation.product.id);
  }
}

@Resolver(() => StockLevel)
export class StockLevelResolver {
  @FieldResolver(() => Warehouse)
  warehouse(@Root() level: StockLevel, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Warehouse, level.warehouse.id);
  }

  @FieldResolver(() => Product)
  product(@Root() level: StockLevel, @Ctx() ctx: RequestContext) {
    return ctx.loaders.one(Product, level.product.id);
  }
}
