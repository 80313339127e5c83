import { COMMENT_MAX } from '@ot/shared';
import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  IdempotencyKeyReusedError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  NotYourDepartmentError,
  StepNotActiveError,
} from '../../common/business-errors.js';
import { Termination } from '../termination/termination.entity.js';
import { ApprovalStep } from './approval-step.entity.js';
import { resultUnion } from '../../common/result-union.js';

export enum ApprovalDecision {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
}
registerEnumType(ApprovalDecision, { name: 'ApprovalDecision' });

@InputType()
export class DecideApprovalInput {
  @Field(() => ID)
  stepId!: string;

  @Field(() => ApprovalDecision)
  decision!: ApprovalDecision;

  @Field(() => String, { nullable: true, description: 'Required to reject' })
  @MaxLength(COMMENT_MAX)
  comment?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class DecideApprovalSuccess {
  @Field(() => ApprovalStep)
  step!: ApprovalStep;
  @Field(() => Termination)
  termination!: Termination;
}

export const DecideApprovalResult = resultUnion('DecideApprovalResult', DecideApprovalSuccess, [
  NotFoundError,
  NotYourDepartmentError,
  StepNotActiveError,
  InvalidTransitionError,
  InputError,
  IdempotencyKeyReusedError,
]);

@ObjectType({ simpleResolvers: true, description: 'A department head’s live view: what waits for them, and what they decided lately' })
export class ApprovalBoard {
  @Field(() => String)
  department!: string;
  @Field(() => [ApprovalStep], { description: 'Pending steps, oldest due first' })
  pending!: ApprovalStep[];
  @Field(() => [ApprovalStep], { description: 'Steps decided in the last 14 days, newest first (at most 20)' })
  recentDecisions!: ApprovalStep[];
  @Field(() => Int)
  overdueCount!: number;
}
