import { wellFormedJson } from '../common/text.js';
import type { Actor } from './actor.js';
import type { RequestContext } from './context.js';
import { AuditEvent } from './audit-event.entity.js';
import type { TransactionScope } from './transaction.js';

/** Who caused an event: a signed-in user or API key, the customer on the token page, or the system. */
export type EventActor = Actor | { kind: 'customer'; email: string } | { kind: 'system' } | null;

/**
 * Every event type and the shape of its data. Empty here: each module declares the events it
 * raises in its own `*.events.ts` by declaration merging, so the kernel knows no module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventTypes {}
export type DomainEventType = keyof DomainEventTypes & string;

/** The termination an event concerns, as it is after the event, with what live boards route on. */
export interface EventTermination {
  id: string;
  number: string;
  status: string;
  previousStatus: string | null;
  /** Departments whose boards or checklists this concerns. */
  departments: string[];
  stepId: string | null;
  taskId: string | null;
}

export interface DomainEvent<K extends DomainEventType = DomainEventType> {
  /** The event's row in the log (the feed's event id); written when the transaction flushes. */
  id: string;
  type: K;
  actor: EventActor;
  actorName: string;
  at: Date;
  termination: EventTermination | null;
  entity: { type: string; id: string | null } | null;
  data: DomainEventTypes[K];
}

/**
 * Reacts to events. Durable reactions (rows, jobs) run inside the event's transaction, so they
 * happen exactly when the change commits; fleeting ones (live boards) run after the commit, so
 * nobody hears of a change that rolled back.
 */
export interface EventSubscriber {
  readonly name: string;
  /** The events it hears; every event when absent. */
  readonly types?: readonly DomainEventType[];
  inTransaction?(scope: TransactionScope, event: DomainEvent): Promise<void>;
  afterCommit?(event: DomainEvent): void | Promise<void>;
  /**
   * Jobs the subscriber enqueues (with enqueueJob, in `inTransaction`) and the worker runs, by
   * name: at-least-once work such as calling another system. Names are unique across subscribers.
   */
  readonly jobs?: Readonly<Record<string, SubscriberJob>>;
}

/** A job's handler: its payload, and a context with no actor (the system) for its own transactions. */
export type SubscriberJob = (payload: Record<string, unknown>, ctx: RequestContext) => Promise<void>;

/** What an event is about, besides its data. */
export interface EventSubject {
  termination?: { id: string; number: string; status: string };
  previousStatus?: string | null;
  departments?: readonly string[];
  stepId?: string | null;
  taskId?: string | null;
  entity?: { type: string; id?: string | null };
}

export function actorName(actor: EventActor): string {
  if (!actor || actor.kind === 'system') return 'system';
  if (actor.kind === 'customer') return actor.email;
  return actor.name;
}

function describeActor(actor: EventActor): { actorType: string; actorId: string | null; actorName: string } {
  if (!actor || actor.kind === 'system') return { actorType: 'SYSTEM', actorId: null, actorName: 'system' };
  if (actor.kind === 'customer') return { actorType: 'CUSTOMER', actorId: null, actorName: actor.email };
  if (actor.kind === 'apiKey') return { actorType: 'API_KEY', actorId: actor.apiKeyId, actorName: actor.name };
  return { actorType: 'USER', actorId: actor.userId, actorName: actor.name };
}

/**
 * The one way a state change is told: the event is appended to the log (the audit trail, with a
 * global sequence) in the caller's transaction, and the subscribers react. Never put secrets in
 * an event's data: the log is read by auditors and partners.
 */
export class DomainEvents {
  constructor(private readonly subscribers: readonly EventSubscriber[]) {}

  /** The jobs every subscriber declares, for the worker's task list. */
  jobs(reserved: readonly string[]): Record<string, SubscriberJob> {
    const jobs: Record<string, SubscriberJob> = {};
    for (const subscriber of this.subscribers) {
      for (const [name, run] of Object.entries(subscriber.jobs ?? {})) {
        if (name in jobs || reserved.includes(name)) throw new Error(`Job ${name} of subscriber ${subscriber.name} is declared twice.`);
        jobs[name] = run;
      }
    }
    return jobs;
  }

  async record<K extends DomainEventType>(
    scope: TransactionScope,
    actor: EventActor,
    type: K,
    data: DomainEventTypes[K],
    subject: EventSubject = {},
  ): Promise<DomainEvent<K>> {
    const t = subject.termination;
    const entity = subject.entity
      ? { type: subject.entity.type, id: subject.entity.id ?? null }
      : t
        ? { type: 'Termination', id: t.id }
        : null;
    const row = scope.em.create(AuditEvent, {
      ...describeActor(actor),
      action: type,
      terminationId: t?.id ?? null,
      entityType: entity?.type ?? null,
      entityId: entity?.id ?? null,
      data: wellFormedJson(data as Record<string, unknown>),
    });
    const event: DomainEvent<K> = {
      id: row.id,
      type,
      actor,
      actorName: row.actorName,
      at: row.createdAt,
      entity,
      data,
      termination: t
        ? {
            id: t.id,
            number: t.number,
            status: t.status,
            previousStatus: subject.previousStatus === undefined ? t.status : subject.previousStatus,
            departments: [...(subject.departments ?? [])],
            stepId: subject.stepId ?? null,
            taskId: subject.taskId ?? null,
          }
        : null,
    };
    for (const subscriber of this.subscribers) {
      if (subscriber.types && !subscriber.types.includes(type)) continue;
      if (subscriber.inTransaction) await subscriber.inTransaction(scope, event);
      const later = subscriber.afterCommit;
      if (later) scope.afterCommit(() => later.call(subscriber, event));
    }
    return event;
  }

  /**
   * A change to a termination: its version moves on (readers holding the old one see that it
   * changed) and the event is recorded. Callers hold the termination's row lock.
   */
  async terminationChanged<K extends DomainEventType>(
    scope: TransactionScope,
    t: { id: string; number: string; status: string; version: number },
    actor: EventActor,
    type: K,
    data: DomainEventTypes[K],
    subject: Omit<EventSubject, 'termination'> = {},
  ): Promise<DomainEvent<K>> {
    t.version += 1;
    return this.record(scope, actor, type, data, { ...subject, termination: t });
  }
}
