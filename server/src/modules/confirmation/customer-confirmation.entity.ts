import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { PREFERRED_RESOLUTIONS, type PreferredResolution } from '@ot/shared';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { Termination } from '../termination/termination.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

/** SUPERSEDED: replaced by a resent link, or void because the termination ended. */
export const ConfirmationStatus = graphqlEnum('ConfirmationStatus', ['PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'SUPERSEDED']);
export type ConfirmationStatus = EnumValue<typeof ConfirmationStatus>;

export const PreferredResolutionEnum = graphqlEnum('PreferredResolution', PREFERRED_RESOLUTIONS);

/** One e-mailed link. Only the SHA-256 of the token is stored. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'customer_confirmation' })
export class CustomerConfirmation extends BaseEntity<'respondedAt' | 'remindedAt' | 'note' | 'preferredResolution' | 'deadlineDate'> {
  @ManyToOne('Termination', { index: true })
  termination!: Termination;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  tokenHash!: string;

  @Field(() => ConfirmationStatus)
  @Enum({ items: () => ConfirmationStatus, type: 'string' })
  status!: ConfirmationStatus;

  @Field(() => String)
  @Property({ type: 'string' })
  recipient!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  sentAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime', index: true })
  expiresAt!: Date;

  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'Last day to answer (Asia/Shanghai) when the contract sets a reply period in working days',
  })
  @Property({ type: 'date', nullable: true })
  deadlineDate?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  remindedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  respondedAt?: Date | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => PreferredResolutionEnum, { nullable: true })
  @Enum({ items: () => [...PREFERRED_RESOLUTIONS], type: 'string', nullable: true })
  preferredResolution?: PreferredResolution | null;
}
