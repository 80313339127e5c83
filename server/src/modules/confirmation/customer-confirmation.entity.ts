import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { PREFERRED_RESOLUTIONS, type PreferredResolution } from '@ot/shared';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { Termination } from '../termination/termination.entity.js';

export enum ConfirmationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
  /** Replaced by a resent link, or void because the termination ended. */
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(ConfirmationStatus, { name: 'ConfirmationStatus' });

export const PreferredResolutionEnum = Object.fromEntries(PREFERRED_RESOLUTIONS.map((r) => [r, r])) as {
  [K in PreferredResolution]: K;
};
registerEnumType(PreferredResolutionEnum, { name: 'PreferredResolution' });

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
