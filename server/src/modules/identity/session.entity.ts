import { Entity, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { User } from './user.entity.js';

/** A sign-in. The token carries the session id, so signing out revokes it server-side. */
@Entity({ tableName: 'user_session' })
export class Session extends BaseEntity<'revokedAt' | 'lastSeenAt'> {
  @ManyToOne(() => User, { index: true })
  user!: User;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'string', nullable: true })
  userAgent?: string | null;
}
