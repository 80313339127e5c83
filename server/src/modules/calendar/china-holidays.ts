import type { CalendarDayKind } from './working-days.js';

export interface SeedCalendarDay {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

function range(from: string, to: string, name: string): SeedCalendarDay[] {
  const days: SeedCalendarDay[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'HOLIDAY', name });
  }
  return days;
}
const workday = (date: string, name: string): SeedCalendarDay => ({ date, kind: 'WORKDAY', name });

/**
 * 2026: the State Council General Office notice on the 2026 holiday schedule
 * (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号): holidays including the
 * bridging days, and the weekend days that are worked instead (调休上班).
 */
export const CHINA_2026: SeedCalendarDay[] = [
  ...range('2026-01-01', '2026-01-03', '元旦 New Year'),
  workday('2026-01-04', '元旦调休上班 New Year make-up workday'),
  workday('2026-02-14', '春节调休上班 Spring Festival make-up workday'),
  ...range('2026-02-15', '2026-02-23', '春节 Spring Festival'),
  workday('2026-02-28', '春节调休上班 Spring Festival make-up workday'),
  ...range('2026-04-04', '2026-04-06', '清明节 Qingming'),
  ...range('2026-05-01', '2026-05-05', '劳动节 Labour Day'),
  workday('2026-05-09', '劳动节调休上班 Labour Day make-up workday'),
  ...range('2026-06-19', '2026-06-21', '端午节 Dragon Boat Festival'),
  workday('2026-09-20', '国庆节调休上班 National Day make-up workday'),
  ...range('2026-09-25', '2026-09-27', '中秋节 Mid-Autumn Festival'),
  ...range('2026-10-01', '2026-10-07', '国庆节 National Day'),
  workday('2026-10-10', '国庆节调休上班 National Day make-up workday'),
];

/**
 * 2027: only the statutory holiday dates fixed by 全国年节及纪念日放假办法 (2024 revision) on
 * the 2027 Gregorian/lunar calendar. The State Council's 2027 schedule (bridging days and
 * make-up working weekends) was not known when this was written: administrators add it in the
 * holiday calendar page once it is published.
 */
export const CHINA_2027_STATUTORY: SeedCalendarDay[] = [
  ...range('2027-01-01', '2027-01-01', '元旦 New Year'),
  ...range('2027-02-05', '2027-02-08', '春节 Spring Festival'),
  ...range('2027-04-05', '2027-04-05', '清明节 Qingming'),
  ...range('2027-05-01', '2027-05-02', '劳动节 Labour Day'),
  ...range('2027-06-09', '2027-06-09', '端午节 Dragon Boat Festival'),
  ...range('2027-09-15', '2027-09-15', '中秋节 Mid-Autumn Festival'),
  ...range('2027-10-01', '2027-10-03', '国庆节 National Day'),
];
