import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Int, ObjectType } from 'type-graphql';
import { SyncOutcomeCounts, SyncRecordKind } from './sync-record.js';

/** Row errors kept with each recorded call (the `sync.completed` event), and shown per source. */
export const SYNC_EVENT_ERRORS = 20;

@ObjectType({ simpleResolvers: true })
export class SyncSourceError {
  @Field(() => Date, { description: 'When the call that met it ran' })
  at!: Date;
  @Field(() => SyncRecordKind)
  kind!: SyncRecordKind;
  @Field(() => Int)
  index!: number;
  @Field(() => String)
  externalId!: string;
  @Field(() => String)
  path!: string;
  @Field(() => String)
  code!: string;
  @Field(() => String)
  message!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One sending system as the sync overview shows it' })
export class SyncSource {
  @Field(() => String)
  source!: string;
  @Field(() => Date)
  lastSyncAt!: Date;
  @Field(() => Boolean, { description: 'False when the last call met REJECT_EVERYTHING with a rejected row and wrote nothing' })
  lastApplied!: boolean;
  @Field(() => SyncOutcomeCounts, { description: 'The records of the last call' })
  last!: SyncOutcomeCounts;
  @Field(() => SyncOutcomeCounts, { description: 'The records of every call (of calls that wrote nothing, none counts as saved)' })
  totals!: SyncOutcomeCounts;
  @Field(() => Int)
  calls!: number;
  @Field(() => Int, { description: 'Calls that wrote nothing (REJECT_EVERYTHING met a rejected row)' })
  rejectedCalls!: number;
  @Field(() => [SyncSourceError], { description: `The latest row errors, newest call first (at most ${SYNC_EVENT_ERRORS})` })
  lastErrors!: SyncSourceError[];
}

const OUTCOMES = ['created', 'updated', 'unchanged', 'stale', 'rejected'] as const;

function counts(row: Record<string, unknown>, prefix: string): SyncOutcomeCounts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, Number(row[`${prefix}${o}`] ?? 0)])) as unknown as SyncOutcomeCounts;
}

/**
 * Per source, from the recorded calls (`sync.completed` events): the last call, totals, and the
 * latest row errors. The totals of a call that wrote nothing count its rows as rejected only
 * (the other outcomes would have been), so that they add up to what was saved or refused.
 */
export async function syncSources(em: EntityManager): Promise<SyncSource[]> {
  const calls = `select entity_id as source, created_at, seq, data from audit_event where action = 'sync.completed'`;
  const saved = (o: string) =>
    o === 'rejected' ? `(data->>'rejected')::int` : `case when (data->>'applied')::boolean then (data->>'${o}')::int else 0 end`;
  const rows: Record<string, unknown>[] = await em.execute(
    `with calls as (${calls}),
     totals as (
       select source, count(*)::int as calls, (count(*) filter (where not (data->>'applied')::boolean))::int as rejected_calls,
              ${OUTCOMES.map((o) => `coalesce(sum(${saved(o)}), 0)::int as total_${o}`).join(', ')}
         from calls group by source),
     last as (select distinct on (source) source, created_at, data from calls order by source, created_at desc, seq desc)
     select t.*, l.created_at as last_at, (l.data->>'applied')::boolean as last_applied,
            ${OUTCOMES.map((o) => `coalesce((l.data->>'${o}')::int, 0) as last_${o}`).join(', ')}
       from totals t join last l on l.source = t.source order by l.created_at desc, t.source`,
  );
  if (!rows.length) return [];
  const errors: { source: string; at: Date; error: Omit<SyncSourceError, 'at'> }[] = await em.execute(
    `select s.source, e.created_at as at, err.value as error
       from (select distinct entity_id as source from audit_event where action = 'sync.completed') s
       cross join lateral (
         select created_at, seq, data from audit_event
          where action = 'sync.completed' and entity_id = s.source and jsonb_array_length(coalesce(data->'errors', '[]'::jsonb)) > 0
          order by created_at desc, seq desc limit ${SYNC_EVENT_ERRORS}) e
       cross join lateral jsonb_array_elements(e.data->'errors') with ordinality as err(value, n)
      order by s.source, e.created_at desc, e.seq desc, err.n`,
  );
  return rows.map((r) => ({
    source: r.source as string,
    lastSyncAt: new Date(r.last_at as string),
    lastApplied: r.last_applied as boolean,
    last: counts(r, 'last_'),
    totals: counts(r, 'total_'),
    calls: r.calls as number,
    rejectedCalls: r.rejected_calls as number,
    lastErrors: errors
      .filter((e) => e.source === r.source)
      .slice(0, SYNC_EVENT_ERRORS)
      .map((e) => ({ ...e.error, at: new Date(e.at) })),
  }));
}
