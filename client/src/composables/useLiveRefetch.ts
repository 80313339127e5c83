import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useSubscription } from '@vue/apollo-composable';
import { watch } from 'vue';
import { liveConnectionState } from '@/app/apollo';
import { useDebouncedFn } from './useDebouncedFn';

/**
 * Keeps a page current: each event of the subscription refetches the page's data (events say
 * what changed, the page's query says what it looks like now). Bursts (an approval that also
 * activates the next stage) cost one refetch. After the socket reconnects the page refetches
 * too, since events sent while it was down are lost.
 */
export function useLiveRefetch<TResult, TVariables extends Record<string, unknown>>(
  subscription: TypedDocumentNode<TResult, TVariables>,
  variables: () => TVariables,
  refetch: () => unknown,
  enabled: () => boolean = () => true,
) {
  const { onResult } = useSubscription(subscription, variables, () => ({ enabled: enabled() }));
  const debounced = useDebouncedFn(() => void refetch(), 300);
  onResult(() => debounced.run());
  watch(liveConnectionState, (state, previous) => {
    if (state === 'connected' && previous === 'reconnecting' && enabled()) debounced.run();
  });
}
