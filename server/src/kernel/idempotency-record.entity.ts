import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** A replayable result per (caller, operation, key): Stripe's idempotency semantics. */
@Entity({ tableName: 'idempotency_record' })
export class IdempotencyRecord {
  [PrimaryKeyProp]?: ['scope', 'key'];
  [OptionalProps]?: 'createdAt';

  /** Operation name and caller, so two callers' keys never collide. */
  @PrimaryKey({ type: 'string', length: 120 })
  scope!: string;

  @PrimaryKey({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  @Property({ type: 'json' })
  result!: Record<string, unknown>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', index: true })
  expiresAt!: Date;
}
