import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Something happened to a termination (status, a step, a task)' })
export class TerminationEvent {
  @Field(() => String, { description: 'e.g. termination.submitted, approval.approved, followup.completed' })
  kind!: string;
  @Field(() => ID)
  terminationId!: string;
  @Field(() => String)
  number!: string;
  @Field(() => String, { nullable: true })
  oldStatus!: string | null;
  @Field(() => String)
  newStatus!: string;
  @Field(() => [String])
  departments!: string[];
  @Field(() => ID, { nullable: true })
  stepId!: string | null;
  @Field(() => ID, { nullable: true })
  taskId!: string | null;
  @Field(() => String)
  actorName!: string;
  @Field(() => String)
  at!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A change on a department’s approval board' })
export class ApprovalBoardEvent extends TerminationEvent {}

@ObjectType({ simpleResolvers: true, description: 'A change to follow-up tasks' })
export class FollowUpTaskEvent extends TerminationEvent {}

@ObjectType({ simpleResolvers: true })
export class NotificationEvent {
  @Field(() => ID)
  notificationId!: string;
  @Field(() => String)
  kind!: string;
  @Field(() => String)
  title!: string;
  @Field(() => String)
  body!: string;
  @Field(() => String, { nullable: true })
  link!: string | null;
  @Field(() => String)
  at!: string;
}
