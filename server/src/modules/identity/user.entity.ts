import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { ROLES, type Role } from '@ot/shared';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { Department } from './department.entity.js';

/** A staff member. `email` and `role` are exposed through field resolvers that apply the staff privacy rule (staff-privacy.ts). */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'app_user' })
export class User extends BaseEntity<'active' | 'passwordChangedAt'> {
  @Index({ name: 'app_user_email_unique', expression: 'create unique index app_user_email_unique on app_user (lower(email))' })
  @Property({ type: 'string' })
  email!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;

  @Property({ type: 'string', hidden: true })
  passwordHash!: string;

  @Enum({ items: () => [...ROLES], type: 'string' })
  role!: Role;

  @ManyToOne(() => Department, { nullable: true })
  department?: Department | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  passwordChangedAt: Date = new Date();
}
