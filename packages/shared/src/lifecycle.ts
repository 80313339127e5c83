/**
 * The termination lifecycle: one table, enforced by the server and read by the client
 * to show what is possible. Guards that need data live on the server; this table says
 * only which moves exist and which are final.
 */
export const TERMINATION_STATUSES = [
  'PENDING_APPROVAL',
  'AWAITING_CUSTOMER',
  'EFFECTIVE',
  'CLOSED',
  'REJECTED',
  'WITHDRAWN',
  'CUSTOMER_DECLINED',
] as const;
export type TerminationStatus = (typeof TERMINATION_STATUSES)[number];

/**
 * Each move: from a status, on an event, to a status. The events are the ones this table names
 * (TerminationEvent is read from it), so an event cannot exist without a move.
 */
const TABLE = [
  { from: 'PENDING_APPROVAL', event: 'APPROVED_ALL', to: 'EFFECTIVE' },
  { from: 'PENDING_APPROVAL', event: 'APPROVED_ALL_NEEDS_CUSTOMER', to: 'AWAITING_CUSTOMER' },
  { from: 'PENDING_APPROVAL', event: 'REJECT', to: 'REJECTED' },
  { from: 'PENDING_APPROVAL', event: 'WITHDRAW', to: 'WITHDRAWN' },
  { from: 'AWAITING_CUSTOMER', event: 'WITHDRAW', to: 'WITHDRAWN' },
  { from: 'AWAITING_CUSTOMER', event: 'CUSTOMER_ACCEPT', to: 'EFFECTIVE' },
  { from: 'AWAITING_CUSTOMER', event: 'CUSTOMER_DECLINE', to: 'CUSTOMER_DECLINED' },
  { from: 'EFFECTIVE', event: 'ALL_TASKS_DONE', to: 'CLOSED' },
] as const satisfies readonly { from: TerminationStatus; event: string; to: TerminationStatus }[];

export type TerminationEvent = (typeof TABLE)[number]['event'];

export interface Transition {
  from: TerminationStatus;
  event: TerminationEvent;
  to: TerminationStatus;
}

export const TRANSITIONS: readonly Transition[] = TABLE;

export const FINAL_STATUSES: readonly TerminationStatus[] = ['CLOSED', 'REJECTED', 'WITHDRAWN', 'CUSTOMER_DECLINED'];

/** Statuses in which a termination still holds its order (at most one per order). */
export const ACTIVE_STATUSES: readonly TerminationStatus[] = ['PENDING_APPROVAL', 'AWAITING_CUSTOMER'];

export function nextStatus(from: TerminationStatus, event: TerminationEvent): TerminationStatus | null {
  return TRANSITIONS.find((t) => t.from === from && t.event === event)?.to ?? null;
}

export function allowedEvents(from: TerminationStatus): TerminationEvent[] {
  return TRANSITIONS.filter((t) => t.from === from).map((t) => t.event);
}

export function isFinal(status: TerminationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * Checks the table is coherent: every status is reachable from PENDING_APPROVAL, finals
 * have no way out and non-finals have one. Run at server start-up; throws on a broken table.
 */
export function assertLifecycleConsistent(): void {
  const reachable = new Set<TerminationStatus>(['PENDING_APPROVAL']);
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of TRANSITIONS) {
      if (reachable.has(t.from) && !reachable.has(t.to)) {
        reachable.add(t.to);
        grew = true;
      }
    }
  }
  for (const status of TERMINATION_STATUSES) {
    if (!reachable.has(status)) throw new Error(`Lifecycle: ${status} is unreachable`);
    const outgoing = allowedEvents(status).length;
    if (isFinal(status) && outgoing > 0) throw new Error(`Lifecycle: final ${status} has transitions`);
    if (!isFinal(status) && outgoing === 0) throw new Error(`Lifecycle: ${status} is a dead end`);
  }
  const seen = new Set<string>();
  for (const t of TRANSITIONS) {
    const key = `${t.from}:${t.event}`;
    if (seen.has(key)) throw new Error(`Lifecycle: duplicate transition ${key}`);
    seen.add(key);
  }
}
