import { describe, expect, it } from 'vitest';
import {
  assertLifecycleConsistent,
  isFinal,
  nextStatus,
  TERMINATION_STATUSES,
  TRANSITIONS,
  type TerminationEvent,
  type TerminationStatus,
} from './lifecycle.js';

const EXPECTED: [TerminationStatus, TerminationEvent, TerminationStatus][] = [
  ['PENDING_APPROVAL', 'APPROVED_ALL', 'EFFECTIVE'],
  ['PENDING_APPROVAL', 'APPROVED_ALL_NEEDS_CUSTOMER', 'AWAITING_CUSTOMER'],
  ['PENDING_APPROVAL', 'REJECT', 'REJECTED'],
  ['PENDING_APPROVAL', 'WITHDRAW', 'WITHDRAWN'],
  ['AWAITING_CUSTOMER', 'WITHDRAW', 'WITHDRAWN'],
  ['AWAITING_CUSTOMER', 'CUSTOMER_ACCEPT', 'EFFECTIVE'],
  ['AWAITING_CUSTOMER', 'CUSTOMER_DECLINE', 'CUSTOMER_DECLINED'],
  ['EFFECTIVE', 'ALL_TASKS_DONE', 'CLOSED'],
];

describe('termination lifecycle table', () => {
  it('is coherent (checked at start-up too)', () => {
    expect(() => assertLifecycleConsistent()).not.toThrow();
  });

  it('has exactly the transitions of the architecture', () => {
    expect(TRANSITIONS.map((t) => [t.from, t.event, t.to])).toEqual(EXPECTED);
  });

  // Every (status, event) pair: allowed ones lead where the design says, all others are refused.
  const events = [...new Set(EXPECTED.map(([, event]) => event))];
  for (const from of TERMINATION_STATUSES) {
    for (const event of events) {
      const expected = EXPECTED.find(([f, e]) => f === from && e === event)?.[2] ?? null;
      it(`${from} --${event}--> ${expected ?? 'refused'}`, () => {
        expect(nextStatus(from, event)).toBe(expected);
      });
    }
  }

  it('final statuses have no way out', () => {
    for (const status of TERMINATION_STATUSES.filter(isFinal)) {
      expect(TRANSITIONS.filter((t) => t.from === status)).toEqual([]);
    }
  });
});
