import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from '../identity/user.entity.js';

/** A user's account at an identity provider: (issuer, subject) identifies it for good, whatever its e-mail becomes. */
@Entity({ tableName: 'sso_identity' })
@Unique({ name: 'sso_identity_issuer_subject_unique', properties: ['issuer', 'subject'] })
export class SsoIdentity extends BaseEntity<'lastSignInAt'> {
  @ManyToOne(() => User, { index: true, deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 500 })
  issuer!: string;

  @Property({ type: 'string', length: 255 })
  subject!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  lastSignInAt: Date = new Date();
}
