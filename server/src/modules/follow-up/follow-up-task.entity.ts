import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { PREFERRED_RESOLUTIONS } from '@ot/shared';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from '../identity/user.entity.js';
import type { Message } from '../notification/messages.js';
import type { Termination } from '../termination/termination.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const FollowUpKind = graphqlEnum('FollowUpKind', [
  'SUPPLIER_CANCELLATION',
  'STOCK_CONFIRMATION',
  'SETTLEMENT',
  /** Opened when the settlement task left a fee outstanding; completing it settles the money. */
  'FEE_COLLECTION',
  'CUSTOMER_OUTCOME',
  'CUSTOMER_RECORD',
]);
export type FollowUpKind = EnumValue<typeof FollowUpKind>;

export const FollowUpStatus = graphqlEnum('FollowUpStatus', ['OPEN', 'DONE']);
export type FollowUpStatus = EnumValue<typeof FollowUpStatus>;

/** The negotiated outcome recorded by sales: the customer's resolutions plus NONE. */
export const OUTCOMES = [...PREFERRED_RESOLUTIONS, 'NONE'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OutcomeEnum = Object.fromEntries(OUTCOMES.map((o) => [o, o])) as { [K in Outcome]: K };
registerEnumType(OutcomeEnum, { name: 'FollowUpOutcome' });

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'follow_up_task' })
@Index({ properties: ['department', 'status'] })
export class FollowUpTask extends BaseEntity<
  | 'completedAt'
  | 'completedBy'
  | 'note'
  | 'outcome'
  | 'outcomeDetails'
  | 'overdueNotifiedAt'
  | 'overdue'
  | 'data'
  | 'completedByName'
  | 'assignee'
  | 'assignedAt'
  | 'instructionLines'
> {
  @ManyToOne('Termination', { index: true })
  termination!: Termination;

  @Field(() => FollowUpKind)
  @Enum({ items: () => FollowUpKind, type: 'string' })
  kind!: FollowUpKind;

  @Field(() => String)
  @Property({ type: 'string', length: 32 })
  department!: string;

  /** In English (events and webhooks carry it); the GraphQL field renders `instructionLines` in the reader's language. */
  @Property({ type: 'text' })
  instructions!: string;

  @Property({ type: 'json', nullable: true })
  instructionLines?: Message[] | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  dueAt!: Date;

  @Field(() => FollowUpStatus)
  @Enum({ items: () => FollowUpStatus, type: 'string' })
  status!: FollowUpStatus;

  @Field(() => OutcomeEnum, { nullable: true, description: 'Prefilled from the customer preference for CUSTOMER_OUTCOME' })
  @Enum({ items: () => [...OUTCOMES], type: 'string', nullable: true })
  outcome?: Outcome | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  outcomeDetails?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @ManyToOne(() => User, { nullable: true })
  completedBy?: User | null;

  /** The person of the department who owns the task (see assignFollowUpTask); null while unassigned. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  assignee?: User | null;

  @Field(() => Date, { nullable: true, description: 'When the current owner was assigned' })
  @Property({ type: 'datetime', nullable: true })
  assignedAt?: Date | null;

  /** Who completed it, as the audit trail names them: a user, or a partner's API key (which has no user row). */
  @Field(() => String, { nullable: true, description: 'Who completed it: a user’s name, or an API key’s' })
  @Property({ type: 'string', length: 200, nullable: true })
  completedByName?: string | null;

  /** Structured data the completion carried (e.g. a partner system's confirmation). */
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Structured data the completion carried (e.g. a WMS confirmation)' })
  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown> | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  overdueNotifiedAt?: Date | null;

  @Field(() => Boolean)
  get overdue(): boolean {
    return this.status === FollowUpStatus.OPEN && this.dueAt.getTime() < Date.now();
  }
}
