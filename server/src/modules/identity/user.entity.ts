import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { ROLES, type Role } from '@ot/shared';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { Department } from './department.entity.js';

/** A staff member. `email` and `role` are exposed through field resolvers that apply the staff privacy rule (staff-privacy.ts). */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'app_user' })
export class User extends BaseEntity<'active' | 'passwordChangedAt' | 'language'> {
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

  /** The one language the user reads the product in: the SPA's locale, notifications and staff mails ("zh-CN" or "en"). */
  @Field(() => String, { description: 'The language I read the product in: zh-CN or en (notifications and mails follow it)' })
  @Property({ type: 'string', length: 8, default: 'zh-CN' })
  language: string = 'zh-CN';

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  passwordChangedAt: Date = new Date();
}
