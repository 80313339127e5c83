import { COMMENT_MAX } from '@ot/shared';
import { GraphQLJSONObject } from 'graphql-scalars';
import { MaxLength, MinLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import {
  ForbiddenActionError,
  IdempotencyKeyReusedError,
  InvalidTransitionError,
  NotFoundError,
  NotYourDepartmentError,
  ValidationError,
} from '../../common/business-errors.js';
import { ConnectionType } from '../../common/pagination.js';
import { FollowUpStatus, FollowUpTask, OutcomeEnum, type Outcome } from './follow-up-task.entity.js';
import { resultUnion } from '../../common/result-union.js';

@InputType()
export class FollowUpTaskFilter {
  @Field(() => String, { nullable: true })
  @MaxLength(32)
  department?: string | null;

  @Field(() => [FollowUpStatus], { nullable: true })
  status?: FollowUpStatus[] | null;

  @Field(() => ID, { nullable: true })
  terminationId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only tasks past their due time' })
  overdue?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Only tasks this user owns' })
  assigneeId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only tasks assigned to me (true) — for API keys, none' })
  mine?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only tasks without an owner' })
  unassigned?: boolean | null;
}

@InputType()
export class AssignFollowUpTaskInput {
  @Field(() => ID)
  taskId!: string;

  @Field(() => ID, { nullable: true, description: 'The new owner, a member of the task’s department; null releases the task' })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class AssignFollowUpTaskSuccess {
  @Field(() => FollowUpTask)
  task!: FollowUpTask;
}

export const AssignFollowUpTaskResult = resultUnion('AssignFollowUpTaskResult', AssignFollowUpTaskSuccess, [
  NotFoundError,
  NotYourDepartmentError,
  ForbiddenActionError,
  InvalidTransitionError,
  ValidationError,
  IdempotencyKeyReusedError,
]);

@InputType()
export class CompleteFollowUpTaskInput {
  @Field(() => ID)
  taskId!: string;

  @Field(() => String, { description: 'What was done (required)' })
  @MinLength(1)
  @MaxLength(COMMENT_MAX)
  note!: string;

  @Field(() => OutcomeEnum, { nullable: true, description: 'Required for CUSTOMER_OUTCOME' })
  outcome?: Outcome | null;

  @Field(() => String, { nullable: true })
  @MaxLength(COMMENT_MAX)
  outcomeDetails?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Structured data of the completion, e.g. the WMS confirming the release (a JSON object, at most 10 000 characters)',
  })
  data?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class CompleteFollowUpTaskSuccess {
  @Field(() => FollowUpTask)
  task!: FollowUpTask;
  @Field(() => Boolean, { description: 'Whether this closed the termination' })
  terminationClosed!: boolean;
}

export const CompleteFollowUpTaskResult = resultUnion('CompleteFollowUpTaskResult', CompleteFollowUpTaskSuccess, [
  NotFoundError,
  NotYourDepartmentError,
  InvalidTransitionError,
  ValidationError,
  IdempotencyKeyReusedError,
]);

export const FollowUpTaskConnection = ConnectionType('FollowUpTask', FollowUpTask);
