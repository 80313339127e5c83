import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { Counter } from '../../common/counter.js';
import { User } from '../identity/user.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const BulkRunStatus = graphqlEnum('BulkRunStatus', ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED']);
export type BulkRunStatus = EnumValue<typeof BulkRunStatus>;

/** One "terminate every open order of a discontinued product" run, processed by a job. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'bulk_termination_run' })
export class BulkTerminationRun extends BaseEntity<'created' | 'skipped' | 'failed' | 'startedAt' | 'finishedAt' | 'error' | 'total'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32 })
  productSku!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 40 })
  reasonCode!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  explanation!: string;

  @Field(() => BulkRunStatus)
  @Enum({ items: () => BulkRunStatus, type: 'string' })
  status!: BulkRunStatus;

  @ManyToOne(() => User)
  requestedBy!: User;

  @Counter('Orders affected when the run started')
  total: number = 0;

  @Counter()
  created: number = 0;

  @Counter()
  skipped: number = 0;

  @Counter()
  failed: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;
}

/** Why an order of a run got no termination (created ones carry the run id instead). */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'bulk_termination_item' })
@Unique({ properties: ['run', 'order'] })
export class BulkTerminationItem extends BaseEntity {
  @ManyToOne(() => BulkTerminationRun, { index: true })
  run!: BulkTerminationRun;

  @ManyToOne(() => SalesOrder)
  order!: SalesOrder;

  @Field(() => String, { description: 'SKIPPED or FAILED' })
  @Property({ type: 'string', length: 8 })
  outcome!: 'SKIPPED' | 'FAILED';

  @Field(() => String)
  @Property({ type: 'string', length: 40 })
  code!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  message!: string;
}
