import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import {
  ForbiddenActionError,
  IdempotencyKeyReusedError,
  InputError,
  NotFoundError,
  ValidationError,
} from '../../common/business-errors.js';
import { resultUnion } from '../../common/result-union.js';
import { Department } from '../identity/department.entity.js';
import { User } from '../identity/user.entity.js';
import { CommentEditWindowClosedError } from './comment-rules.js';
import { TerminationComment } from './termination-comment.entity.js';

@InputType()
export class AddTerminationCommentInput {
  @Field(() => ID)
  terminationId!: string;

  @Field(() => String, { description: 'At most 4000 characters; @name, @e-mail or @department mentions notify those named' })
  body!: string;

  @Field(() => [ID], { nullable: true, description: 'Files of this termination (see POST /attachments) the comment refers to; at most 10' })
  attachmentIds?: string[] | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@InputType()
export class EditTerminationCommentInput {
  @Field(() => ID)
  commentId!: string;

  @Field(() => String, { description: 'The new text (the earlier one is kept in the history)' })
  body!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  idempotencyKey?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class TerminationCommentSuccess {
  @Field(() => TerminationComment)
  comment!: TerminationComment;
}

export const AddTerminationCommentResult = resultUnion('AddTerminationCommentResult', TerminationCommentSuccess, [
  InputError,
  ValidationError,
  NotFoundError,
  ForbiddenActionError,
  IdempotencyKeyReusedError,
]);

export const EditTerminationCommentResult = resultUnion('EditTerminationCommentResult', TerminationCommentSuccess, [
  InputError,
  ValidationError,
  NotFoundError,
  ForbiddenActionError,
  CommentEditWindowClosedError,
  IdempotencyKeyReusedError,
]);

@ObjectType({ simpleResolvers: true, description: 'A user a comment mentions' })
export class MentionedUser {
  @Field(() => ID)
  userId!: string;
  @Field(() => String)
  name!: string;
}

@ObjectType({ simpleResolvers: true })
export class CommentMentionsView {
  @Field(() => [MentionedUser])
  users!: MentionedUser[];
  @Field(() => [String], { description: 'Department codes; every member was notified' })
  departments!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'Whom a comment can mention' })
export class CommentMentionCandidates {
  @Field(() => [User])
  users!: User[];
  @Field(() => [Department])
  departments!: Department[];
}

@ObjectType({ simpleResolvers: true, description: 'A comment was written or edited in a termination’s thread' })
export class TerminationCommentEvent {
  @Field(() => String, { description: 'ADDED or EDITED' })
  kind!: string;
  @Field(() => ID)
  terminationId!: string;
  @Field(() => ID)
  commentId!: string;
  @Field(() => Int)
  version!: number;
  @Field(() => String)
  authorName!: string;
  @Field(() => String)
  at!: string;
}
