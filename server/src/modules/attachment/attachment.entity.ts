import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import type { Termination } from '../termination/termination.entity.js';

/**
 * A file attached to a termination, or to one of its follow-up tasks (then `termination` is the
 * task's). The bytes are in the storage adapter under `storageKey`; rows are never changed.
 */
@ObjectType({ simpleResolvers: true, description: 'A file attached to a termination or follow-up task' })
@Entity({ tableName: 'attachment' })
@Index({ properties: ['termination', 'createdAt'] })
export class Attachment extends BaseEntity<'followUpTask' | 'uploadedById' | 'uploadedAt'> {
  @ManyToOne('Termination')
  termination!: Termination;

  @ManyToOne('FollowUpTask', { nullable: true, index: true })
  followUpTask?: FollowUpTask | null;

  /** Sanitised (attachment/file-name.ts): no folders, no control characters, the extension of its type. */
  @Field(() => String, { description: 'The sanitised file name (its extension matches its type)' })
  @Property({ type: 'string', length: 160 })
  name!: string;

  /** As sniffed from the bytes and allowed (attachment-types.ts), never as the client claimed. */
  @Field(() => String, { description: 'MIME type as sniffed from the content' })
  @Property({ type: 'string', length: 100 })
  contentType!: string;

  @Field(() => Int, { description: 'Bytes' })
  @Property({ type: 'integer' })
  size!: number;

  @Field(() => String, { description: 'SHA-256 of the content, hex' })
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'string', length: 80 })
  storageKey!: string;

  /** USER, API_KEY or CUSTOMER (as the audit trail names actors). */
  @Field(() => String, { description: 'USER, API_KEY or CUSTOMER' })
  @Property({ type: 'string', length: 16 })
  uploadedByType!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  uploadedById?: string | null;

  @Field(() => String, { description: 'Who uploaded it: a user’s or API key’s name, or the customer’s address' })
  @Property({ type: 'string', length: 200 })
  uploadedBy!: string;

  @Field(() => Date)
  get uploadedAt(): Date {
    return this.createdAt;
  }
}
