import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useQuery } from '@vue/apollo-composable';
import { computed, type ComputedRef, type Ref } from 'vue';
import { useCursorPagination } from './useCursorPagination';

export interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** A list's current page and its state, as PagedTable shows it. */
export interface PagedList<TConnection extends Connection = Connection> {
  connection: ComputedRef<TConnection | undefined>;
  loading: Ref<boolean>;
  error: Ref<unknown>;
  refetch: () => void;
  pagination: ReturnType<typeof useCursorPagination>;
}

interface PageVariables {
  first?: number | null;
  after?: string | null;
}

/**
 * One page of a Relay connection for a filtered list: the filter's page size and the pager's
 * cursor go into the query; a new filter starts again at page 1 (see useCursorPagination).
 */
export function usePagedQuery<TResult, TVariables extends PageVariables, TConnection extends Connection>(options: {
  listId: string;
  filter: { applied: ComputedRef<{ size: number }>; filterKey: ComputedRef<string> };
  document: TypedDocumentNode<TResult, TVariables>;
  /** The query's variables but the page. */
  variables: () => Omit<TVariables, keyof PageVariables>;
  connection: (result: TResult) => TConnection;
}): PagedList<TConnection> {
  const pagination = useCursorPagination(options.listId, options.filter.filterKey);
  const { result, loading, error, refetch } = useQuery(
    options.document,
    () => ({ ...options.variables(), first: options.filter.applied.value.size, after: pagination.after.value }) as TVariables,
    { fetchPolicy: 'cache-and-network', keepPreviousResult: true },
  );
  return {
    connection: computed(() => (result.value ? options.connection(result.value) : undefined)),
    loading,
    error,
    refetch: () => void refetch(),
    pagination,
  };
}
