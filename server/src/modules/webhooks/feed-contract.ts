/**
 * TEMPORARY (until the lead's modules/events lands on main): the event-feed contract of
 * /work/wt/EVENTS-CONTRACT.md, with stand-ins so that this module compiles and runs. After
 * `git merge main` every export here re-exports or calls modules/events, and this file goes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Permission } from '@ot/shared';
import { registerEnumType } from 'type-graphql';
import type { Actor } from '../../kernel/actor.js';
import type { DomainEventType } from '../../kernel/domain-events.js';
import type { Services } from '../../kernel/context.js';

export interface FeedEvent {
  id: string;
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
  cursor: string;
}

const TYPES = [
  'termination.submitted',
  'termination.pending_approval',
  'termination.awaiting_customer',
  'termination.approved',
  'termination.effective',
  'termination.rejected',
  'termination.withdrawn',
  'termination.closed',
  'termination.effect_applied',
  'approval.approved',
  'approval.rejected',
] as string[] as DomainEventType[];

export function eventTypeName(type: DomainEventType): string {
  return type.toUpperCase().replace(/\./g, '_');
}

export const EventType: Record<string, DomainEventType> = Object.fromEntries(TYPES.map((t) => [eventTypeName(t), t]));
registerEnumType(EventType, { name: 'EventType', description: 'TEMPORARY stand-in for the lead’s EventType' });

export function isEventType(type: string): type is DomainEventType {
  return (TYPES as string[]).includes(type);
}

export function mayReadEvent(permissions: ReadonlySet<Permission>, type: string): boolean {
  void type;
  return permissions.has('terminations:read') || permissions.has('events:subscribe');
}

export async function readFeed(
  services: Services,
  em: EntityManager,
  options: { after: string | null; limit: number },
): Promise<{ events: FeedEvent[]; hasMore: boolean }> {
  void services;
  const rows = await em.getConnection().execute<
    {
      id: string;
      seq: string;
      action: string;
      created_at: Date;
      actor_type: string;
      actor_name: string;
      termination_id: string | null;
      entity_type: string | null;
      entity_id: string | null;
      data: Record<string, unknown>;
    }[]
  >(
    `select id, seq::text as seq, action, created_at, actor_type, actor_name, termination_id, entity_type, entity_id, data
       from audit_event where seq > ? order by seq limit ?`,
    [options.after ?? '0', options.limit + 1],
    'all',
    em.getTransactionContext(),
  );
  const events = rows.slice(0, options.limit).map((r) => ({
    id: r.id,
    sequence: r.seq,
    type: r.action as DomainEventType,
    occurredAt: new Date(r.created_at),
    actorType: r.actor_type,
    actorName: r.actor_name,
    terminationId: r.termination_id,
    terminationNumber: null,
    entityType: r.entity_type,
    entityId: r.entity_id,
    data: r.data,
    cursor: r.seq,
  }));
  return { events, hasMore: rows.length > options.limit };
}

export async function eventById(services: Services, em: EntityManager, id: string): Promise<FeedEvent | null> {
  void services;
  const rows = await em.getConnection().execute<
    {
      id: string;
      seq: string;
      action: string;
      created_at: Date;
      actor_type: string;
      actor_name: string;
      termination_id: string | null;
      entity_type: string | null;
      entity_id: string | null;
      data: Record<string, unknown>;
    }[]
  >(`select id, seq::text as seq, action, created_at, actor_type, actor_name, termination_id, entity_type, entity_id, data from audit_event where id = ?`, [id]);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    sequence: r.seq,
    type: r.action as DomainEventType,
    occurredAt: new Date(r.created_at),
    actorType: r.actor_type,
    actorName: r.actor_name,
    terminationId: r.termination_id,
    terminationNumber: null,
    entityType: r.entity_type,
    entityId: r.entity_id,
    data: r.data,
    cursor: r.seq,
  };
}

export function defaultEventPayload(e: FeedEvent): Record<string, unknown> {
  return {
    id: e.id,
    sequence: e.sequence,
    type: eventTypeName(e.type),
    occurredAt: e.occurredAt.toISOString(),
    terminationNumber: e.terminationNumber,
    actor: { type: e.actorType, name: e.actorName },
    data: e.data,
  };
}

export function validatePayloadQuery(services: Services, query: string, actor: Actor): string | null {
  void services;
  void actor;
  return /subscription\s*\{\s*event\b/.test(query) ? null : 'A payload document is a subscription over the field event.';
}

export async function renderPayload(
  services: Services,
  e: FeedEvent,
  query: string | null,
  actor: Actor,
): Promise<Record<string, unknown>> {
  void services;
  void query;
  void actor;
  return defaultEventPayload(e);
}
