import { computed, type Ref } from 'vue';

/** The part of a `useQuery` result an administration list shows before its rows. */
interface ListQuery {
  result: Ref<unknown>;
  loading: Ref<boolean>;
  error: Ref<unknown>;
}

/** AdminListPage's state props (`v-bind="list"`) from the list's query and the rows it shows. */
export function useAdminList(query: ListQuery, rows: Ref<readonly unknown[]>) {
  return computed(() => ({
    loaded: !!query.result.value,
    loading: query.loading.value,
    error: query.error.value,
    empty: rows.value.length === 0,
  }));
}
