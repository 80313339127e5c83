import { Entity, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { RuleCondition } from './rule-condition.js';

/**
 * One rule of the approval policy: when its condition holds over the impact facts, the
 * department must approve in the given stage. Data, not code: admins edit these.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'approval_rule' })
export class ApprovalRule extends BaseEntity<'active'> {
  @Field(() => String)
  @Property({ type: 'string', length: 40, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 32 })
  department!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  stage!: number;

  @Property({ type: 'json' })
  condition!: RuleCondition;

  @Field(() => Int, { description: 'Hours the department has to decide once its stage is active' })
  @Property({ type: 'integer' })
  slaHours!: number;

  @Field(() => String)
  @Property({ type: 'string' })
  descriptionZh!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  descriptionEn!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  active: boolean = true;
}
