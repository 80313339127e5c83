import type { Permission } from '@ot/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../common/errors.js';
import type { DomainEventType } from '../../kernel/domain-events.js';
import { EVENT_TYPES, isEventType, readableEventTypes } from './event-catalogue.js';

/** One committed domain event as partners read it. */
export interface FeedEvent {
  id: string;
  /** The global sequence of the event log (a bigint, as a string). */
  sequence: string;
  type: DomainEventType;
  occurredAt: Date;
  actorType: string;
  actorName: string;
  terminationId: string | null;
  terminationNumber: string | null;
  entityType: string | null;
  entityId: string | null;
  data: Record<string, unknown>;
  /** Opaque position after this event, for `events(after:)`. */
  cursor: string;
}

export interface FeedRead {
  after: string | null;
  limit: number;
  /** Dotted types; all when absent or empty. */
  types?: readonly string[] | null;
  /** Only the events of this termination (by its number), e.g. its audit trail exported. */
  terminationNumber?: string | null;
  /**
   * With terminationNumber: the termination's whole trail, however old (its audit record, as the
   * termination's page shows it), instead of only what the feed keeps for partners
   * (EVENT_RETENTION_DAYS).
   */
  wholeTrail?: boolean;
  /** The reader's: only the events they may see. No filter when absent (the system reading). */
  permissions?: ReadonlySet<Permission>;
}

interface Position {
  tx: string;
  seq: string;
  at: number;
}

interface Row {
  id: string;
  seq: string;
  tx: string;
  action: string;
  /** The driver may give a string. */
  created_at: Date | string;
  actor_type: string;
  actor_name: string;
  termination_id: string | null;
  termination_number: string | null;
  entity_type: string | null;
  entity_id: string | null;
  data: Record<string, unknown>;
}

/**
 * The feed's horizon: the oldest transaction this statement's snapshot sees as running, ignoring
 * those of other databases on the same PostgreSQL (transaction ids are cluster-wide, and another
 * database's long transaction must not hold this feed back). One that ends between the snapshot
 * and the look at pg_stat_activity cannot be placed and counts as ours: that only delays.
 */
const HORIZON = `select coalesce(
    (select min(x) from pg_snapshot_xip(pg_current_snapshot()) x
      where not exists (select 1 from pg_stat_activity a where a.backend_xid = xid(x) and a.datname is distinct from current_database())),
    pg_snapshot_xmax(pg_current_snapshot()))`;

const COLUMNS = `e.id, e.seq::text as seq, e.tx::text as tx, e.action, e.created_at, e.actor_type, e.actor_name,
  e.termination_id, t.number as termination_number, e.entity_type, e.entity_id, e.data`;

/**
 * The partner feed over the event log. Order is (writing transaction, sequence), and only
 * transactions older than every one of this database still running are read: a later reader can
 * never find an event behind a cursor it was given (see Migration20261201100000_EventFeed). A
 * transaction left open for long holds the feed back for that long.
 */
export class EventFeed {
  constructor(private readonly retentionDays: number) {}

  async read(em: EntityManager, request: FeedRead): Promise<{ events: FeedEvent[]; hasMore: boolean }> {
    const wholeTrail = Boolean(request.wholeTrail && request.terminationNumber);
    const after = request.after ? this.decode(request.after, !wholeTrail) : null;
    const types = request.permissions ? readableEventTypes(request.permissions, request.types) : this.known(request.types);
    if (!types.length) return { events: [], hasMore: false };
    const where: string[] = [`e.tx < (${HORIZON})`];
    const params: unknown[] = [];
    if (!wholeTrail) {
      where.push('e.created_at >= now() - make_interval(days => ?)');
      params.push(this.retentionDays);
    }
    if (after) {
      where.push('(e.tx, e.seq) > (?::xid8, ?::bigint)');
      params.push(after.tx, after.seq);
    }
    // Every type readable: no filter, so the (tx, seq) index is walked in order and stops at the limit.
    if (types.length < EVENT_TYPES.length) {
      where.push('e.action = any(array[?]::text[])');
      params.push(types);
    }
    if (request.terminationNumber) {
      where.push('t.number = ?');
      params.push(request.terminationNumber);
    }
    params.push(request.limit + 1);
    const rows: Row[] = await em.getConnection().execute(
      `select ${COLUMNS} from audit_event e left join termination t on t.id = e.termination_id
       where ${where.join(' and ')} order by e.tx, e.seq limit ?`,
      params,
      'all',
    );
    const hasMore = rows.length > request.limit;
    return { events: rows.slice(0, request.limit).map((row) => this.toEvent(row)), hasMore };
  }

  async byId(em: EntityManager, id: string): Promise<FeedEvent | null> {
    return (await this.byIds(em, [id])).get(id) ?? null;
  }

  /** Several events in one statement (a webhook delivery batch); ids not retained are absent. */
  async byIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, FeedEvent>> {
    if (!ids.length) return new Map();
    const rows: Row[] = await em
      .getConnection()
      .execute(
        `select ${COLUMNS} from audit_event e left join termination t on t.id = e.termination_id where e.id = any(array[?]::uuid[])`,
        [[...ids]],
        'all',
      );
    return new Map(rows.map((row) => [row.id, this.toEvent(row)]));
  }

  /** The position after the newest readable event: where a reader who wants only new events starts. */
  async tail(em: EntityManager): Promise<string | null> {
    const rows: { tx: string; seq: string; created_at: Date | string }[] = await em.getConnection().execute(
      `select tx::text as tx, seq::text as seq, created_at from audit_event
         where tx < (${HORIZON}) order by tx desc, seq desc limit 1`,
      [],
      'all',
    );
    return rows[0] ? encode({ tx: rows[0].tx, seq: rows[0].seq, at: new Date(rows[0].created_at).getTime() }) : null;
  }

  private known(types: readonly string[] | null | undefined): DomainEventType[] {
    return types?.length ? types.filter(isEventType) : EVENT_TYPES;
  }

  private toEvent(row: Row): FeedEvent {
    const occurredAt = new Date(row.created_at);
    return {
      id: row.id,
      sequence: row.seq,
      type: row.action as DomainEventType,
      occurredAt,
      actorType: row.actor_type,
      actorName: row.actor_name,
      terminationId: row.termination_id,
      terminationNumber: row.termination_number,
      entityType: row.entity_type,
      entityId: row.entity_id,
      data: row.data,
      cursor: encode({ tx: row.tx, seq: row.seq, at: occurredAt.getTime() }),
    };
  }

  /** Refuses a cursor this feed did not hand out, or one past the retention. */
  assertCursor(cursor: string): void {
    this.decode(cursor);
  }

  private decode(cursor: string, withinRetention = true): Position {
    let value: unknown;
    try {
      value = cursor.length <= 200 ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
    } catch {
      value = null;
    }
    const digits = (v: unknown) => typeof v === 'string' && /^\d{1,20}$/.test(v);
    if (!Array.isArray(value) || value.length !== 3 || !digits(value[0]) || !digits(value[1]) || !Number.isSafeInteger(value[2])) {
      throw badInput('after is not a cursor returned by events.', 'after');
    }
    const position: Position = { tx: value[0] as string, seq: value[1] as string, at: value[2] as number };
    if (withinRetention && position.at < Date.now() - this.retentionDays * 86_400_000) {
      throw badInput(
        `This cursor points at an event older than the feed keeps (${this.retentionDays} days); read again without after, or from a newer cursor.`,
        'after',
      );
    }
    return position;
  }
}

function encode(position: Position): string {
  return Buffer.from(JSON.stringify([position.tx, position.seq, position.at]), 'utf8').toString('base64url');
}
