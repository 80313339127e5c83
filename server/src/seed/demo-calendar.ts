/*
 * The demo business's calendar, shared by the demo seed and the volume seed. Days are counted from
 * 2026-01-01 so date arithmetic stays integer and time-zone free.
 */

const DAY_MS = 86_400_000;
const EPOCH_UTC = Date.UTC(2026, 0, 1);
export const FIRST_ORDER_DAY = dayOf('2026-01-05');
export const LAST_ORDER_DAY = dayOf('2026-11-20');
/** "Today" for the demo data: 2026-11-25, 09:00 China time. Nothing is dated after it. */
export const TODAY = dayOf('2026-11-25');

export function dayOf(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - EPOCH_UTC) / DAY_MS);
}

export function dateOf(day: number): string {
  return new Date(EPOCH_UTC + day * DAY_MS).toISOString().slice(0, 10);
}
