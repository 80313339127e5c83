import { BigIntType, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from './base.entity.js';

/**
 * A row an outside system (an ERP) may own: `(source, externalId)` is its identity there
 * (unique per table, null for rows kept here), `sourceVersion` orders the sender's updates and
 * `contentHash` is the hash of the last record applied, so that a re-sent record is UNCHANGED
 * without comparing field by field. `updatedAt` lets partners read what changed since a time.
 */
@ObjectType({ simpleResolvers: true })
export abstract class SyncedEntity<Optional extends string = never> extends BaseEntity<
  Optional | 'source' | 'externalId' | 'sourceVersion' | 'contentHash' | 'updatedAt'
> {
  @Field(() => String, { nullable: true, description: 'The system this record is synchronised from (e.g. "SAP-PRD"); null when kept here' })
  @Property({ type: 'string', length: 40, nullable: true })
  source?: string | null;

  @Field(() => String, { nullable: true, description: 'The id of this record in its source system' })
  @Property({ type: 'string', length: 128, nullable: true })
  externalId?: string | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  sourceVersion?: number | null;

  @Property({ type: 'string', length: 64, nullable: true })
  contentHash?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** Synchronised master data people know by its name (suppliers, warehouses; customers and products below). */
@ObjectType({ simpleResolvers: true })
export abstract class NamedSyncedEntity<Optional extends string = never> extends SyncedEntity<Optional> {
  @Field(() => String)
  @Property({ type: 'string' })
  name!: string;
}

/**
 * Master data with an English name besides its (Chinese) name: customers and products, which
 * English mails and the English UI show by `nameEn` when there is one.
 */
@ObjectType({ simpleResolvers: true })
export abstract class BilingualSyncedEntity<Optional extends string = never> extends NamedSyncedEntity<Optional> {
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', nullable: true })
  nameEn?: string | null;
}

/** Any synchronised entity, whatever its optional properties. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySyncedEntity = SyncedEntity<any>;
