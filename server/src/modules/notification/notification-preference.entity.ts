import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

/**
 * The events a member of staff may choose to hear of by e-mail (in-app notices come regardless).
 * - APPROVALS_DUE: An approval step of my department became due.
 * - DECISIONS: A step of a termination I requested was approved or rejected.
 * - EFFECT: A termination I requested, or one my department is told of, took effect.
 * - OVERDUE: An approval step or follow-up task of my department is overdue.
 * - MENTIONED: A comment on a termination mentions me or my department.
 */
export const StaffMailKind = graphqlEnum('StaffMailKind', ['APPROVALS_DUE', 'DECISIONS', 'EFFECT', 'OVERDUE', 'MENTIONED']);
export type StaffMailKind = EnumValue<typeof StaffMailKind>;
export const STAFF_MAIL_KINDS = Object.values(StaffMailKind);

/** The languages a person can read the product in (User.language; staff mails follow it). */
export enum MailLanguage {
  ZH_CN = 'zh-CN',
  EN = 'en',
}
registerEnumType(MailLanguage, { name: 'MailLanguage' });

/** One user's e-mail choices; no row means no e-mail (opt-in). */
@Entity({ tableName: 'notification_preference' })
export class NotificationPreference {
  [OptionalProps]?: 'mailKinds' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'json' })
  mailKinds: StaffMailKind[] = [];

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
