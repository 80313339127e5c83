import { useQuery, useSubscription } from '@vue/apollo-composable';
import { computed, ref, watch, type Ref } from 'vue';
import { useDebouncedFn } from './useDebouncedFn';
import { liveConnectionState } from '@/app/apollo';
import { getFragmentData, graphql } from '@/gql';
import type { ImportPhase } from '@/gql/graphql';

export const ImportRunFields = graphql(`
  fragment ImportRunFields on ImportRun {
    id
    createdAt
    kind
    source
    fileName
    format
    status
    totalRecords
    validatedRecords
    invalidRecords
    processedRecords
    created
    updated
    unchanged
    stale
    rejected
    error
    startedAt
    finishedAt
    requestedBy {
      id
      name
    }
    requestedByApiKey
  }
`);

const ImportRunQuery = graphql(`
  query ImportRun($id: ID!, $phase: ImportPhase!, $offset: Int!, $limit: Int!) {
    importRun(id: $id) {
      ...ImportRunFields
      errors(phase: $phase, offset: $offset, limit: $limit) {
        total
        items {
          id
          rowNumber
          externalId
          column
          code
          message
        }
      }
    }
  }
`);

const ImportRunChangedSubscription = graphql(`
  subscription ImportRunChanged($id: ID!) {
    importRunChanged(id: $id) {
      ...ImportRunFields
    }
  }
`);

/** Statuses in which a run moves on by itself: the page follows it live. */
export const MOVING_IMPORT_STATUSES = new Set(['VALIDATING', 'QUEUED', 'RUNNING']);
const PAGE_SIZE = 20;

/**
 * One spreadsheet import, kept current without polling: `importRunChanged(id)` sends the run
 * after every chunk (its counts land in the cache, so the progress bar moves at once), and the
 * page of row errors is read again after the changes (debounced) and after a reconnect. Shows the
 * dry run's errors until the import starts, then the import's.
 */
export function useImportRun(runId: Ref<string>) {
  const page = ref(1);
  const phase = ref<ImportPhase>('DRY_RUN');
  const { result, loading, error, refetch } = useQuery(
    ImportRunQuery,
    () => ({ id: runId.value, phase: phase.value, offset: (page.value - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
    () => ({ enabled: Boolean(runId.value), fetchPolicy: 'cache-and-network' }),
  );
  const run = computed(() => {
    const raw = result.value?.importRun;
    if (!raw) return null;
    const fields = getFragmentData(ImportRunFields, raw);
    return fields.id === runId.value ? { ...fields, errors: raw.errors } : null;
  });

  /** Every status change (the run moves to another phase or ends), for the page's list of runs. */
  const statusChanged = ref(0);
  // Followed while the run moves, and right after an upload or a start (status still unknown).
  const following = computed(() => Boolean(runId.value) && (!run.value || MOVING_IMPORT_STATUSES.has(run.value.status)));
  const { onResult } = useSubscription(
    ImportRunChangedSubscription,
    () => ({ id: runId.value }),
    () => ({ enabled: following.value }),
  );
  const reread = useDebouncedFn(() => void refetch(), 500);
  onResult(() => reread.run());
  watch(liveConnectionState, (state, previous) => {
    if (state === 'connected' && previous === 'reconnecting' && following.value) reread.run();
  });

  watch(
    () => run.value?.status,
    (status, previous) => {
      // While the query for new variables loads there is no run: keep the phase as it is
      // (switching it back would refetch the other phase's cached page, and so on forever).
      if (!status) return;
      phase.value = ['QUEUED', 'RUNNING', 'COMPLETED'].includes(status) ? 'IMPORT' : 'DRY_RUN';
      if (previous && status !== previous) {
        page.value = 1;
        statusChanged.value++;
      }
    },
    { immediate: true },
  );

  const percent = computed(() => {
    const r = run.value;
    if (!r) return 0;
    if (r.status === 'COMPLETED' || r.status === 'VALIDATED') return 100;
    if (!r.totalRecords) return 0;
    const done = ['QUEUED', 'RUNNING'].includes(r.status) ? r.processedRecords : r.validatedRecords;
    return Math.min(100, Math.floor((done / r.totalRecords) * 100));
  });

  return { run, loading, error, refetch, page, phase, pageSize: PAGE_SIZE, percent, statusChanged };
}
