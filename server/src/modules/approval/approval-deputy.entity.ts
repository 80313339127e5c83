import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from '../identity/user.entity.js';

/**
 * A head's stand-in for a period: from `startsAt` (inclusive) until `endsAt` (exclusive) the
 * deputy decides the department's approval steps "as deputy for" the head. Cleared deputyships
 * stay as rows (with `clearedAt`) so the audit trail can name who stood in when.
 */
@ObjectType({ simpleResolvers: true, description: 'A head’s deputy for approvals during a period [startsAt, endsAt)' })
@Entity({ tableName: 'approval_deputy' })
@Index({ properties: ['deputy', 'department'] })
export class ApprovalDeputy extends BaseEntity<'clearedAt' | 'active'> {
  @Field(() => String)
  @Property({ type: 'string', length: 32 })
  department!: string;

  @ManyToOne(() => User, { index: true })
  head!: User;

  @ManyToOne(() => User)
  deputy!: User;

  @Field(() => Date, { description: 'First moment the deputy may decide (inclusive)' })
  @Property({ type: 'datetime' })
  startsAt!: Date;

  @Field(() => Date, { description: 'End of the period (exclusive): from this moment the deputy is refused' })
  @Property({ type: 'datetime' })
  endsAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the head withdrew or replaced it' })
  @Property({ type: 'datetime', nullable: true })
  clearedAt?: Date | null;

  /** Whether the deputy may decide at `at`: not cleared, and startsAt ≤ at < endsAt. */
  coversAt(at: Date): boolean {
    return !this.clearedAt && this.startsAt.getTime() <= at.getTime() && at.getTime() < this.endsAt.getTime();
  }

  @Field(() => Boolean, { description: 'Whether the deputy may decide now' })
  get active(): boolean {
    return this.coversAt(new Date());
  }
}
