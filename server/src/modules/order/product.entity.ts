import { Entity, Enum, Index, Property } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BilingualSyncedEntity } from '../../common/synced.entity.js';

export enum ProductStatus {
  ACTIVE = 'ACTIVE',
  DISCONTINUED = 'DISCONTINUED',
}
registerEnumType(ProductStatus, { name: 'ProductStatus' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'product' })
@Index({ name: 'product_name_trgm', expression: 'create index product_name_trgm on product using gin (name gin_trgm_ops)' })
export class Product extends BilingualSyncedEntity<'status'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  sku!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 16 })
  unit!: string;

  @Field(() => String)
  @Property({ type: 'decimal', precision: 14, scale: 2 })
  listPrice!: string;

  @Field(() => ProductStatus)
  @Enum({ items: () => ProductStatus, type: 'string' })
  status: ProductStatus = ProductStatus.ACTIVE;
}
