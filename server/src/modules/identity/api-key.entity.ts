import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { API_KEY_SCOPES, apiKeyScopeName, type ApiKeyScope } from '@ot/shared';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from './user.entity.js';

export const ApiKeyScopeEnum = Object.fromEntries(API_KEY_SCOPES.map((s) => [apiKeyScopeName(s), s])) as Record<string, ApiKeyScope>;
registerEnumType(ApiKeyScopeEnum, {
  name: 'ApiKeyScope',
  description:
    'ORDERS_READ, TERMINATIONS_READ, TERMINATIONS_WRITE (submit only), EVENTS_SUBSCRIBE, FOLLOW_UPS_WRITE (complete the follow-up tasks of the key’s department), WEBHOOKS_MANAGE (its own webhook endpoints)',
});

/** A partner system's credential. The secret is shown once; only its SHA-256 is kept. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'api_key' })
export class ApiKey extends BaseEntity<'revokedAt' | 'lastUsedAt' | 'expiresAt' | 'departmentCode'> {
  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  /** Public part of the key, used to find it; the rest is the secret. */
  @Field(() => String, { description: 'Public prefix, to recognise a key in logs and lists' })
  @Property({ type: 'string', length: 16, unique: true })
  prefix!: string;

  @Property({ type: 'string', length: 64, hidden: true })
  secretHash!: string;

  @Field(() => [ApiKeyScopeEnum])
  @Property({ type: 'json' })
  scopes!: ApiKeyScope[];

  @ManyToOne(() => User)
  createdBy!: User;

  /** The department the key acts for (a department's code; required with FOLLOW_UPS_WRITE). */
  @Field(() => String, { nullable: true, description: 'The department the key acts for (its follow-up tasks only)' })
  @Property({ type: 'string', length: 32, nullable: true, fieldName: 'department_code' })
  departmentCode?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;
}
