import { useI18n } from 'vue-i18n';
import { useFormat } from './useFormat';

/**
 * The one way due times are written (issue #16: "截止 23小时后" and "截止 明天" appeared side by side):
 * the absolute time, then the distance in numbers ("23 小时后", never "明天"), overdue said in words.
 */
export function useDueTime() {
  const { t } = useI18n();
  const { dateTime, relative } = useFormat();

  function isOverdue(dueAt: string | null | undefined, now = Date.now()): boolean {
    return !!dueAt && Date.parse(dueAt) < now;
  }

  /** "截止 2026年12月3日 14:00（23 小时后）" / "Overdue: due Dec 3, 2026, 2:00 PM (2 hours ago)"; "—" without a due time. */
  function dueTime(dueAt: string | null | undefined, now = Date.now()): string {
    if (!dueAt) return '—';
    const params = { at: dateTime(dueAt), relative: relative(dueAt, now, 'always') };
    return isOverdue(dueAt, now) ? t('dueTime.overdue', params) : t('dueTime.due', params);
  }

  return { dueTime, isOverdue };
}
