import { MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import {
  ForbiddenActionError,
  IdempotencyKeyReusedError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { ApprovalDeputy } from './approval-deputy.entity.js';

@InputType()
export class SetApprovalDeputyInput {
  @Field(() => ID, { description: 'Who stands in: an active clerk or head, not yourself' })
  deputyUserId!: string;

  @Field(() => Date, { description: 'Start of the period (inclusive); at most 24 hours in the past' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period (exclusive); after `from`, at most 366 days later' })
  to!: Date;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class SetApprovalDeputySuccess {
  @Field(() => ApprovalDeputy)
  deputy!: ApprovalDeputy;
  @Field(() => [ApprovalDeputy], { description: 'Earlier deputyships of yours this one replaced (now cleared)' })
  replaced!: ApprovalDeputy[];
}

export const SetApprovalDeputyResult = resultUnion('SetApprovalDeputyResult', SetApprovalDeputySuccess, [
  InputError,
  ValidationError,
  NotFoundError,
  ForbiddenActionError,
  IdempotencyKeyReusedError,
]);

@ObjectType({ simpleResolvers: true })
export class ClearApprovalDeputySuccess {
  @Field(() => ApprovalDeputy)
  deputy!: ApprovalDeputy;
}

export const ClearApprovalDeputyResult = resultUnion('ClearApprovalDeputyResult', ClearApprovalDeputySuccess, [
  NotFoundError,
  ForbiddenActionError,
  InvalidTransitionError,
]);
