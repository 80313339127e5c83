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
import { ConnectionType } from '../../common/pagination.js';

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
  @Field(() => [ApprovalStep], {
    description: 'Pending steps, soonest due first (at most 500); the SPA pages through approvalBoardCards instead',
    simple: false,
  })
  pending!: ApprovalStep[];
  @Field(() => Int, { description: 'How many steps wait for this department', simple: false })
  pendingCount!: number;
  @Field(() => [ApprovalStep], { description: 'Steps decided in the last 14 days, newest first (at most 20)' })
  recentDecisions!: ApprovalStep[];
  @Field(() => Int, { simple: false })
  overdueCount!: number;
}

@InputType({ description: "Narrows a board's cards; every condition is applied in SQL" })
export class ApprovalBoardFilter {
  @Field(() => String, { nullable: true, description: 'Termination reason code' })
  @MaxLength(40)
  reasonCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Least terminated value (decimal, e.g. "1200.50")' })
  @MaxLength(20)
  minAmount?: string | null;

  @Field(() => String, { nullable: true, description: 'Largest terminated value (decimal)' })
  @MaxLength(20)
  maxAmount?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only cards past their due time' })
  overdue?: boolean | null;

  @Field(() => String, { nullable: true, description: "Part of the customer's name (Chinese or English)" })
  @MaxLength(100)
  customer?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only cards of one bulk run' })
  bulkRunId?: string | null;
}

export const ApprovalBoardCardConnection = ConnectionType('ApprovalBoardCard', ApprovalStep);
