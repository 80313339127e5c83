import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from '../identity/user.entity.js';
import type { Termination } from '../termination/termination.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const ApprovalStepStatus = graphqlEnum('ApprovalStepStatus', [
  /** A later stage, not active yet. */
  'WAITING',
  'PENDING',
  'APPROVED',
  'REJECTED',
  'SKIPPED',
]);
export type ApprovalStepStatus = EnumValue<typeof ApprovalStepStatus>;

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'approval_step' })
export class ApprovalStep extends BaseEntity<
  'decidedAt' | 'comment' | 'dueAt' | 'activatedAt' | 'overdueNotifiedAt' | 'decidedBy' | 'overdue' | 'onBehalfOf'
> {
  @ManyToOne('Termination', { index: true })
  termination!: Termination;

  @Field(() => Int)
  @Property({ type: 'integer' })
  stage!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 32, index: true })
  department!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 40 })
  ruleCode!: string;

  @Field(() => ApprovalStepStatus)
  @Enum({ items: () => ApprovalStepStatus, type: 'string', index: true })
  status!: ApprovalStepStatus;

  @Field(() => Int)
  @Property({ type: 'integer' })
  slaHours!: number;

  @ManyToOne(() => User, { nullable: true })
  decidedBy?: User | null;

  /** The head a deputy decided for (see ApprovalDeputy); null when the head or an admin decided. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  onBehalfOf?: User | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  decidedAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  activatedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Set when the stage becomes active' })
  @Property({ type: 'datetime', nullable: true, index: true })
  dueAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  overdueNotifiedAt?: Date | null;

  @Field(() => Boolean)
  get overdue(): boolean {
    return this.status === ApprovalStepStatus.PENDING && !!this.dueAt && this.dueAt.getTime() < Date.now();
  }
}
