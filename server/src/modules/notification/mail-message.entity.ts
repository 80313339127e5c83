import { Entity, Enum, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import { graphqlEnum, type EnumValue } from '../../common/graphql-enum.js';

export const MailStatus = graphqlEnum('MailStatus', ['QUEUED', 'SENT', 'FAILED']);
export type MailStatus = EnumValue<typeof MailStatus>;

/** Outbox and, without SMTP_URL, the dev mailbox admins can read. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: 'mail_message' })
export class MailMessage extends BaseEntity<'sentAt' | 'attempts' | 'lastError' | 'terminationId' | 'noticeKind' | 'secrets'> {
  @Field(() => String)
  @Property({ type: 'string' })
  recipient!: string;

  @Field(() => String)
  @Property({ type: 'string' })
  subject!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  text!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  html!: string;

  @Field(() => MailStatus)
  @Enum({ items: () => MailStatus, type: 'string' })
  status!: MailStatus;

  @Field(() => String, { description: 'dev (stored here) or smtp' })
  @Property({ type: 'string', length: 8 })
  transport!: string;

  @Property({ type: 'uuid', nullable: true, index: true })
  terminationId?: string | null;

  /** Set on messages to a customer about a termination: what kind of notice (see CustomerNoticeKind). */
  @Property({ type: 'string', length: 32, nullable: true })
  noticeKind?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /**
   * The live secrets (e.g. a confirmation link) in text and html. Once the message is handed to
   * SMTP they are replaced there by a placeholder and this is cleared: only the recipient's copy
   * works. The dev mailbox (no SMTP) keeps them, as reading them is its purpose.
   */
  @Property({ type: 'json', nullable: true })
  secrets?: string[] | null;
}
