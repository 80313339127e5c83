import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../kernel/actor.js';
import { AuditEvent } from '../../kernel/audit-event.entity.js';

export type AuditActor = Actor | { kind: 'customer'; email: string } | { kind: 'system' } | null;

export interface AuditEntry {
  action: string;
  terminationId?: string | null;
  entityType?: string;
  entityId?: string;
  data?: Record<string, unknown>;
}

function describeActor(actor: AuditActor): { actorType: string; actorId: string | null; actorName: string } {
  if (!actor || actor.kind === 'system') return { actorType: 'SYSTEM', actorId: null, actorName: 'system' };
  if (actor.kind === 'customer') return { actorType: 'CUSTOMER', actorId: null, actorName: actor.email };
  if (actor.kind === 'apiKey') return { actorType: 'API_KEY', actorId: actor.apiKeyId, actorName: actor.name };
  return { actorType: 'USER', actorId: actor.userId, actorName: actor.name };
}

/** Appends to the audit trail inside the caller's transaction. Never store secrets in `data`. */
export function appendAudit(em: EntityManager, actor: AuditActor, entry: AuditEntry): AuditEvent {
  return em.create(AuditEvent, {
    ...describeActor(actor),
    action: entry.action,
    terminationId: entry.terminationId ?? null,
    entityType: entry.entityType ?? null,
    entityId: entry.entityId ?? null,
    data: entry.data ?? {},
  });
}
