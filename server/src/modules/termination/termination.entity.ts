import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, Property } from '@mikro-orm/core';
import { TERMINATION_STATUSES, type TerminationStatus } from '@ot/shared';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { ApprovalStep } from '../approval/approval-step.entity.js';
import { User } from '../identity/user.entity.js';
import { Customer } from '../order/customer.entity.js';
import { SalesOrder } from '../order/sales-order.entity.js';
import type { ImpactSnapshot } from './impact.types.js';
import { TerminationLine } from './termination-line.entity.js';
import { TerminationFault, TerminationReason } from './termination-reason.entity.js';

export const TerminationStatusEnum = Object.fromEntries(TERMINATION_STATUSES.map((s) => [s, s])) as {
  [K in TerminationStatus]: K;
};
registerEnumType(TerminationStatusEnum, { name: 'TerminationStatus' });

export enum TerminationScope {
  FULL = 'FULL',
  PARTIAL = 'PARTIAL',
}
registerEnumType(TerminationScope, { name: 'TerminationScope' });

/** Finance's decision on the fee before the effect (amount 0 waives it). */
export interface FeeAdjustment {
  amount: string;
  /** The fee charged before this adjustment. */
  previousAmount: string;
  /** The contract's fee for this termination when adjusted: the ceiling. */
  contractFee: string;
  reason: string;
  actorId: string;
  actorName: string;
  at: string;
}

/** What the effect actually did to one purchase order (not what the preview planned). */
export interface AppliedPurchaseOrderChangeRecord {
  purchaseOrderId: string;
  number: string;
  supplierName: string;
  action: 'CANCEL' | 'REDUCE';
  statusBefore: string;
  statusAfter: string;
  lines: { purchaseOrderLineId: string; sku: string; quantityBefore: number; quantityCancelled: number; quantityAfter: number }[];
}

export interface EffectBlocker {
  code: string;
  message: string;
  /** The line, purchase order or shipment it concerns (absent on blockers stored before it was kept). */
  subject?: string | null;
}

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'termination' })
// At most one running termination per order, enforced by the database so a race cannot create two.
@Index({
  name: 'termination_one_active_per_order',
  expression:
    "create unique index termination_one_active_per_order on termination (order_id) where status in ('PENDING_APPROVAL', 'AWAITING_CUSTOMER')",
})
@Index({ name: 'termination_list_idx', properties: ['createdAt', 'id'] })
// Lists filtered by status (boards, partners' pending lists) read their page straight off this index.
@Index({ name: 'termination_status_list_idx', properties: ['status', 'createdAt', 'id'] })
// A search by customer name reads the matching customers' terminations off this index.
@Index({ name: 'termination_customer_list_idx', properties: ['customer', 'createdAt', 'id'] })
export class Termination extends BaseEntity<
  | 'version'
  | 'effectiveAt'
  | 'closedAt'
  | 'effectBlockers'
  | 'effectBlockedAt'
  | 'statusChangedAt'
  | 'bulkRunId'
  | 'requestedAt'
  | 'feeAdjustment'
  | 'appliedPurchaseOrderChanges'
> {
  @Field(() => String)
  @Property({ type: 'string', length: 20, unique: true })
  number!: string;

  @ManyToOne(() => SalesOrder, { index: true })
  order!: SalesOrder;

  /**
   * The order's customer, copied so that a search by customer does not join every order of the
   * matching customers; set at submission, and a trigger follows the order should its customer change.
   */
  @ManyToOne(() => Customer)
  customer!: Customer;

  @ManyToOne(() => TerminationReason)
  reason!: TerminationReason;

  @Field(() => String)
  @Property({ type: 'text' })
  explanation!: string;

  @Field(() => TerminationStatusEnum)
  @Enum({ items: () => [...TERMINATION_STATUSES], type: 'string' })
  status!: TerminationStatus;

  /**
   * Who causes it, fixed at submission: the reason's fault, or SELLER for a bulk
   * discontinuation (our decision whatever reason was picked). Decides the fee.
   */
  @Field(() => TerminationFault)
  @Enum({ items: () => TerminationFault, type: 'string' })
  fault!: TerminationFault;

  /** Set by the head of finance before the effect; the effect charges this amount. */
  @Property({ type: 'json', nullable: true })
  feeAdjustment?: FeeAdjustment | null;

  /** Written by the effect, in its transaction: what was done to each purchase order. */
  @Property({ type: 'json', nullable: true })
  appliedPurchaseOrderChanges?: AppliedPurchaseOrderChangeRecord[] | null;

  @Field(() => TerminationScope)
  @Enum({ items: () => TerminationScope, type: 'string' })
  scope!: TerminationScope;

  @ManyToOne(() => User)
  requestedBy!: User;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  customerConfirmationRequired!: boolean;

  /** The impact as previewed at submission; the effect recomputes it. */
  @Property({ type: 'json' })
  impact!: ImpactSnapshot;

  /** Set when taking effect was refused because something changed (e.g. goods shipped meanwhile). */
  @Property({ type: 'json', nullable: true })
  effectBlockers?: EffectBlocker[] | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  effectBlockedAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  statusChangedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  effectiveAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  closedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The bulk run that created it, if any' })
  @Property({ type: 'uuid', nullable: true, index: true })
  bulkRunId?: string | null;

  @OneToMany(() => TerminationLine, (line) => line.termination)
  lines = new Collection<TerminationLine>(this);

  /** Loaded with the list when the client selects it (the GraphQL field has its own resolver). */
  @OneToMany(() => ApprovalStep, (step) => step.termination, { orderBy: { stage: 'asc', department: 'asc', id: 'asc' } })
  approvalSteps = new Collection<ApprovalStep>(this);

  @Field(() => Int, { description: 'Bumped by every change; send it back to detect concurrent edits' })
  @Property({ type: 'integer', default: 1 })
  version: number = 1;

  @Field(() => Date)
  get requestedAt(): Date {
    return this.createdAt;
  }
}
