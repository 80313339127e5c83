import { Entity, Index, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../common/base.entity.js';

/** Append-only: a database trigger refuses UPDATE and DELETE. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['terminationId', 'createdAt', 'seq'] })
export class AuditEvent extends BaseEntity {
  @Field(() => String, { description: 'USER, API_KEY, CUSTOMER or SYSTEM' })
  @Property({ type: 'string', length: 16 })
  actorType!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  actorId?: string | null;

  @Field(() => String)
  @Property({ type: 'string' })
  actorName!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  action!: string;

  @Property({ type: 'uuid', nullable: true })
  terminationId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  entityType?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  entityId?: string | null;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  /**
   * Append order, assigned by the database: events of one transaction share a timestamp, and
   * lists order by (created_at, seq) so that they read the same everywhere, a restore included.
   */
  @Property({ type: 'bigint', generated: 'by default as identity' })
  seq?: string;
}
