import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from '../identity/user.entity.js';
import type { Termination } from '../termination/termination.entity.js';
import type { CommentMentions } from './comment.events.js';

/** One earlier text of a comment, kept when it was edited. */
@ObjectType({ simpleResolvers: true, description: 'An earlier version of a comment' })
export class TerminationCommentVersion {
  @Field(() => Int, { description: '1 for the text first written' })
  version!: number;
  @Field(() => String)
  body!: string;
  @Field(() => Date, { description: 'When this version was written' })
  at!: Date;
}

/**
 * A comment in a termination's thread. Never deleted; its author may edit it for a short while
 * (comment-rules.ts), and every earlier text stays in `history` (and in the audit trail).
 */
@ObjectType({ simpleResolvers: true, description: 'A comment on a termination (with @mentions)' })
@Entity({ tableName: 'termination_comment' })
@Index({ properties: ['termination', 'createdAt'] })
export class TerminationComment extends BaseEntity<'editedAt' | 'version' | 'history' | 'attachmentIds' | 'mentions'> {
  @ManyToOne('Termination')
  termination!: Termination;

  @ManyToOne(() => User)
  author!: User;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Field(() => Int, { description: 'How many versions the comment has had (1 when never edited)' })
  @Property({ type: 'integer', default: 1 })
  version: number = 1;

  @Field(() => Date, { nullable: true, description: 'When it was last edited; null when never' })
  @Property({ type: 'datetime', nullable: true })
  editedAt?: Date | null;

  /** Earlier versions, oldest first (the current text is `body`). */
  @Property({ type: 'json' })
  history: { version: number; body: string; at: string }[] = [];

  @Property({ type: 'json' })
  attachmentIds: string[] = [];

  /** The users and departments the current text mentions, as resolved when it was written. */
  @Property({ type: 'json' })
  mentions: CommentMentions = { users: [], departments: [] };
}
