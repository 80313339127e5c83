import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { SyncedEntity } from '../../common/synced.entity.js';
import { Product } from '../order/product.entity.js';
import { Warehouse } from './warehouse.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'stock_level' })
@Unique({ properties: ['warehouse', 'product'] })
export class StockLevel extends SyncedEntity<'available'> {
  @ManyToOne(() => Warehouse)
  warehouse!: Warehouse;

  @ManyToOne(() => Product, { index: true })
  product!: Product;

  @Field(() => Int)
  @Property({ type: 'integer' })
  onHand!: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  reserved!: number;

  @Field(() => Int)
  get available(): number {
    return this.onHand - this.reserved;
  }
}
