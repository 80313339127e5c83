import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useQuery } from '@vue/apollo-composable';
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { notifySuccess } from '@/app/feedback';

/** The part of a `useQuery` result an administration list shows before its rows. */
interface ListQuery {
  result: Ref<unknown>;
  loading: Ref<boolean>;
  error: Ref<unknown>;
  refetch: () => unknown;
}

/** AdminListPage's state props, its rows and its retry (`v-bind="list"`) from the list's query and the rows it shows. */
export function useAdminList<TRow>(query: ListQuery, rows: Ref<TRow[]>) {
  return computed(() => ({
    rows: rows.value,
    loaded: !!query.result.value,
    loading: query.loading.value,
    error: query.error.value,
    empty: rows.value.length === 0,
    onRetry: () => void query.refetch(),
  }));
}

/**
 * An administration list without variables: its query (always checked with the server, others
 * may have changed it), the rows `rowsOf` picks from the result, AdminListPage's state props, and
 * `saved`, which a saved change calls to say so and reload the list.
 */
export function useAdminListQuery<TResult, TRow>(
  document: TypedDocumentNode<TResult, Record<string, never>>,
  rowsOf: (result: TResult | undefined) => TRow[],
) {
  const { t } = useI18n();
  const query = useQuery(document, null, { fetchPolicy: 'cache-and-network' });
  const rows = computed(() => rowsOf(query.result.value));
  const list = useAdminList(query, rows);

  async function saved() {
    notifySuccess(t('admin.saved'));
    await query.refetch();
  }

  return { result: query.result, rows, list, refetch: query.refetch, saved };
}
