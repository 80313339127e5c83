import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'department' })
export class Department {
  [OptionalProps]?: 'active';
  [PrimaryKeyProp]?: 'code';

  @Field(() => String)
  @PrimaryKey({ type: 'string', length: 32 })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  nameZh!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  nameEn!: string;

  @Property({ type: 'boolean', default: true })
  active: boolean = true;
}
