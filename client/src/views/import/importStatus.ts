import { MOVING_IMPORT_STATUSES } from '@/composables/useImportRun';

/** The tag colour of a run's status. */
export function importStatusType(s: string): 'info' | 'primary' | 'success' | 'danger' | 'warning' {
  return s === 'COMPLETED'
    ? 'success'
    : s === 'FAILED'
      ? 'danger'
      : s === 'VALIDATED'
        ? 'warning'
        : MOVING_IMPORT_STATUSES.has(s)
          ? 'primary'
          : 'info';
}
