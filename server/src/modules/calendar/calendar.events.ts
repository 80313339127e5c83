/** Events of the holiday calendar (data as recorded in the event log). */
interface MarkedDay {
  date: string;
  kind: string;
  name: string | null;
}

declare module '../../kernel/domain-events.js' {
  interface DomainEventTypes {
    'calendar.days_set': { days: MarkedDay[]; replaced: MarkedDay[] };
    'calendar.day_removed': MarkedDay;
  }
}
export {};
