import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import {
  ActiveTerminationExistsError,
  ConflictError,
  ForbiddenActionError,
  IdempotencyKeyReusedError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../../common/business-errors.js';
import { TerminationBlockedError } from './termination-errors.js';
import { ConnectionType } from '../../common/pagination.js';
import { TerminationImpact, TerminationImpactInput } from './impact.types.js';
import { Termination, TerminationStatusEnum } from './termination.entity.js';
import { COMMENT_MAX, EXPLANATION_MAX, FEE_REASON_MAX, type TerminationStatus } from '@ot/shared';
import { resultUnion } from '../../common/result-union.js';

/** A submission is the impact's question (order, reason, lines) with the request's own parts. */
@InputType()
export class SubmitTerminationInput extends TerminationImpactInput {
  @Field(() => String, { description: `1 to ${EXPLANATION_MAX} characters` })
  @MaxLength(EXPLANATION_MAX)
  explanation!: string;

  @Field(() => Boolean, { nullable: true, description: 'Default: the reason default; the contract may require it anyway' })
  customerConfirmationRequired?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Same key + same input returns the same termination' })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType()
export class WithdrawTerminationInput {
  @Field(() => ID)
  terminationId!: string;

  @Field(() => String)
  @MaxLength(COMMENT_MAX)
  reason!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType()
export class AdjustCancellationFeeInput {
  @Field(() => ID)
  terminationId!: string;

  @Field(() => String, { description: 'The fee to charge: a decimal string ≥ 0, at most the contract fee; "0" waives it' })
  @MaxLength(32)
  amount!: string;

  @Field(() => String, { description: `Why (1 to ${FEE_REASON_MAX} characters); audited and shown to the departments` })
  @MaxLength(FEE_REASON_MAX)
  reason!: string;

  @Field(() => Int, { nullable: true, description: 'The version you saw; a different current version is STALE_VERSION' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType()
export class TerminationFilter {
  @Field(() => [TerminationStatusEnum], { nullable: true })
  status?: TerminationStatus[] | null;

  @Field(() => String, { nullable: true, description: 'Terminations with a PENDING step of this department' })
  @MaxLength(32)
  pendingDepartment?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(40)
  reasonCode?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(40)
  orderNumber?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Part of the customer name (Chinese or English), or from 3 characters on of the termination or order number; any case',
  })
  @MaxLength(100)
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only my requests' })
  mine?: boolean | null;

  @Field(() => ID, { nullable: true })
  bulkRunId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only those with an approval step past its due time' })
  overdue?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'Took effect at or after' })
  effectiveFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Took effect before' })
  effectiveTo?: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class TerminationSuccess {
  @Field(() => Termination)
  termination!: Termination;
}

@ObjectType({ simpleResolvers: true })
export class SubmitTerminationSuccess extends TerminationSuccess {
  @Field(() => Boolean, { description: 'True when an earlier request with the same idempotency key is returned' })
  replayed!: boolean;
}

export const TerminationImpactResult = resultUnion('TerminationImpactResult', TerminationImpact, [NotFoundError]);

export const SubmitTerminationResult = resultUnion('SubmitTerminationResult', SubmitTerminationSuccess, [
  NotFoundError,
  InputError,
  TerminationBlockedError,
  ActiveTerminationExistsError,
  IdempotencyKeyReusedError,
  ValidationError,
  ForbiddenActionError,
]);

export const WithdrawTerminationResult = resultUnion('WithdrawTerminationResult', TerminationSuccess, [
  NotFoundError,
  InvalidTransitionError,
  ForbiddenActionError,
  InputError,
  IdempotencyKeyReusedError,
]);

export const RetryTerminationEffectResult = resultUnion('RetryTerminationEffectResult', TerminationSuccess, [
  NotFoundError,
  InvalidTransitionError,
  TerminationBlockedError,
  ForbiddenActionError,
  IdempotencyKeyReusedError,
]);

export const TerminationConnection = ConnectionType('Termination', Termination);

export const AdjustCancellationFeeResult = resultUnion('AdjustCancellationFeeResult', TerminationSuccess, [
  NotFoundError,
  InputError,
  InvalidTransitionError,
  ForbiddenActionError,
  ConflictError,
  IdempotencyKeyReusedError,
]);
