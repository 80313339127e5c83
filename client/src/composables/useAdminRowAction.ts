import { ref } from 'vue';
import { isErrorResult } from '@/app/errors';
import { confirmAction, notifyError, notifySuccess } from '@/app/feedback';
import type { UnionOutcome } from './useFormDialog';

/**
 * A change made from one row of an administration list: asked first when it is drastic, reported
 * by a message either way, then the list reloads (someone else may have changed the row meanwhile).
 * `busy` is the id of the row whose change is running.
 */
export function useAdminRowAction(refetch: () => unknown) {
  const busy = ref<string | null>(null);

  async function run<O extends UnionOutcome>(
    id: string,
    action: {
      confirm?: Parameters<typeof confirmAction>[0];
      mutate: () => Promise<O>;
      success: NonNullable<O>['__typename'];
      done: string;
    },
  ): Promise<void> {
    if (action.confirm && !(await confirmAction(action.confirm))) return;
    busy.value = id;
    try {
      const outcome = await action.mutate();
      if (outcome?.__typename === action.success) notifySuccess(action.done);
      else if (isErrorResult(outcome)) notifyError(outcome);
      await refetch();
    } catch (error) {
      notifyError(error);
    } finally {
      busy.value = null;
    }
  }

  return { busy, run };
}
