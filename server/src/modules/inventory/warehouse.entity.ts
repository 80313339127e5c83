import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { NamedSyncedEntity } from '../../common/synced.entity.js';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'warehouse' })
export class Warehouse extends NamedSyncedEntity {
  @Field(() => String)
  @Property({ type: 'string', length: 16, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  city!: string;
}
