import type { Actor } from '../../kernel/actor.js';
import type { LiveTerminationEvent } from '../../kernel/live-events.js';

/**
 * May this actor follow live events at all? Users with read access; keys with the
 * events:subscribe scope, which exists for this (events carry ids, numbers and statuses only).
 */
export function maySubscribe(actor: Actor | null): boolean {
  if (!actor) return false;
  if (actor.kind === 'apiKey') return actor.permissions.has('events:subscribe');
  return actor.permissions.has('terminations:read');
}

/** A department's board: its own head (and staff), admins, auditors, and keys with the scope. */
export function maySeeDepartment(actor: Actor | null, department: string): boolean {
  if (!maySubscribe(actor)) return false;
  if (actor!.kind === 'apiKey') return true;
  if (actor!.role === 'ADMIN' || actor!.role === 'AUDITOR') return true;
  return actor!.departmentCode === department;
}

/** Whether one event reaches one subscriber: re-checked per event, not only at subscribe time. */
export function eventVisible(actor: Actor | null, event: LiveTerminationEvent, department: string | null | undefined): boolean {
  if (!maySubscribe(actor)) return false;
  if (department) return event.departments.includes(department) && maySeeDepartment(actor, department);
  return true;
}
