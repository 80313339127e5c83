import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useQuery } from '@vue/apollo-composable';
import { computed, reactive } from 'vue';

/**
 * One record by its key, for its page: the record once loaded, `notFound` once the server said
 * there is none (`pick` gives null), and `page`, DetailState's state props (`v-bind="page"`).
 */
export function useRecordQuery<TResult, TVariables extends object, TRecord>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: () => TVariables,
  pick: (result: TResult) => TRecord | null | undefined,
) {
  const { result, loading, error, refetch } = useQuery(document, variables, { fetchPolicy: 'cache-and-network' });
  const record = computed(() => (result.value ? (pick(result.value) ?? undefined) : undefined));
  const notFound = computed(() => result.value !== undefined && pick(result.value) === null);
  const page = reactive({ record, loading, error, notFound, onRetry: () => void refetch() });
  return { record, notFound, loading, error, refetch, page };
}
