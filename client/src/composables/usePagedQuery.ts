import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useQuery } from '@vue/apollo-composable';
import { computed, type ComputedRef, type Ref } from 'vue';
import type { PageCursorFragment } from '@/components/pageCursor';
import type { FragmentType } from '@/gql';
import { useCursorPagination } from './useCursorPagination';

/**
 * A page of a Relay connection with its size: the exact `totalCount`, or — for lists that grow
 * with the company's data (orders, terminations) — `boundedCount`, which stops counting at 10 000
 * so that a large table is not read to count it.
 */
export type Connection = {
  pageInfo: FragmentType<typeof PageCursorFragment>;
} & ({ totalCount: number } | { boundedCount: { count: number; exact: boolean } });

/** A list's current page and its state, as CursorList and PagedTable show it. */
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

interface PageQueryOptions<TResult, TVariables extends PageVariables, TConnection extends Connection> {
  listId: string;
  document: TypedDocumentNode<TResult, TVariables>;
  /** The query's variables but the page. */
  variables: () => Omit<TVariables, keyof PageVariables>;
  connection: (result: TResult) => TConnection | undefined;
}

/**
 * One page of a Relay connection (see useCursorPagination): `pageSize` and the pager's cursor go
 * into the query; a new `filterKey` starts again at page 1. While `enabled` says no, nothing is
 * queried and no page is shown.
 */
export function useCursorQuery<TResult, TVariables extends PageVariables, TConnection extends Connection>(
  options: PageQueryOptions<TResult, TVariables, TConnection> & {
    filterKey: Ref<string>;
    pageSize: () => number;
    enabled?: () => boolean;
  },
): PagedList<TConnection> {
  const pagination = useCursorPagination(options.listId, options.filterKey);
  const enabled = () => options.enabled?.() ?? true;
  const { result, loading, error, refetch } = useQuery(
    options.document,
    () => ({ ...options.variables(), first: options.pageSize(), after: pagination.after.value }) as TVariables,
    () => ({ enabled: enabled(), fetchPolicy: 'cache-and-network', keepPreviousResult: true }),
  );
  return {
    connection: computed(() => (result.value && enabled() ? options.connection(result.value) : undefined)),
    loading,
    error,
    refetch: () => void refetch(),
    pagination,
  };
}

/** One page of a list filtered by its URL (useUrlFilter), in the filter's page size. */
export function usePagedQuery<TResult, TVariables extends PageVariables, TConnection extends Connection>(
  options: PageQueryOptions<TResult, TVariables, TConnection> & {
    filter: { applied: ComputedRef<{ size: number }>; filterKey: ComputedRef<string> };
  },
): PagedList<TConnection> {
  return useCursorQuery({ ...options, filterKey: options.filter.filterKey, pageSize: () => options.filter.applied.value.size });
}
