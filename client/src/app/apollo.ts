import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, split } from '@apollo/client/core';
import { onError } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { GRAPHQL_ERROR_CODES } from '@ot/shared';
import { createClient } from 'graphql-ws';
import { readonly, ref } from 'vue';
import { possibleTypes } from '@/gql/possible-types';
import { router } from './router';
import { endSession, getToken } from './session';

/** State of the subscription socket, for a "live" indicator. `idle`: no subscription open (the socket is lazy). */
export type LiveConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';
const liveState = ref<LiveConnectionState>('idle');
export const liveConnectionState = readonly(liveState);

// @vue/apollo-composable 4 still calls APIs that Apollo Client 3.14 marks as going away in 4.0
// (which its peer range excludes); the warnings are not ours to act on.
(globalThis as Record<symbol, unknown>)[Symbol.for('apollo.deprecations')] = true;

const UNAUTHORIZED_CLOSE = 4401;
/** Close codes graphql-ws does not retry after (see its `retryAttempts` documentation). */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4004, 4005, 4406, 4409, 4429, 4500]);

function isFatalClose(code: number): boolean {
  const retriedProtocolCodes = [1000, 1001, 1005, 1006, 1012, 1013, 1014];
  return FATAL_CLOSE_CODES.has(code) || (code >= 1000 && code <= 1999 && !retriedProtocolCodes.includes(code));
}

/** Ends a session the server no longer accepts and asks the user to sign in again, coming back afterwards. */
function signOutExpired(): void {
  const hadSession = getToken() !== null;
  endSession();
  void resetClientState();
  const route = router.currentRoute.value;
  if (hadSession && !route.meta.public) {
    void router.replace({ name: 'login', query: { redirect: route.fullPath } });
  }
}

const wsClient = createClient({
  url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
  lazy: true,
  connectionParams: () => ({ authorization: `Bearer ${getToken() ?? ''}` }),
  retryAttempts: Infinity,
  shouldRetry: () => true,
  // Exponential backoff with jitter, 1 s up to 30 s, so a restarted server is not stormed.
  retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** retries) * (0.5 + Math.random() / 2))),
  on: {
    connecting: (isRetry) => {
      liveState.value = isRetry ? 'reconnecting' : 'connecting';
    },
    connected: () => {
      liveState.value = 'connected';
    },
    closed: (event) => {
      const code = (event as { code?: number } | undefined)?.code ?? 1006;
      if (code === UNAUTHORIZED_CLOSE) signOutExpired();
      liveState.value = code === 1000 || isFatalClose(code) ? 'idle' : 'reconnecting';
    },
  },
});

/**
 * Adds the signed-in user's token. Operations made on someone else's behalf (the customer's public
 * confirmation page) pass `context: { anonymous: true }`: a colleague who opens the customer's link
 * in a signed-in browser must not answer as themselves.
 */
const authLink = new ApolloLink((operation, forward) => {
  const token = getToken();
  if (token && !operation.getContext().anonymous) {
    operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, authorization: `Bearer ${token}` },
    }));
  }
  return forward(operation);
});

const errorLink = onError(({ graphQLErrors, networkError }) => {
  const unauthenticated =
    graphQLErrors?.some((e) => e.extensions?.code === GRAPHQL_ERROR_CODES.UNAUTHENTICATED) ||
    (networkError && 'statusCode' in networkError && networkError.statusCode === 401);
  if (unauthenticated) signOutExpired();
});

const isSubscription = ({ query }: { query: Parameters<typeof getMainDefinition>[0] }) => {
  const definition = getMainDefinition(query);
  return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
};

export const apolloClient = new ApolloClient({
  link: ApolloLink.from([
    errorLink,
    split(isSubscription, new GraphQLWsLink(wsClient), ApolloLink.from([authLink, new HttpLink({ uri: '/graphql' })])),
  ]),
  cache: new InMemoryCache({ possibleTypes }),
  devtools: { enabled: import.meta.env.DEV },
});

/**
 * Forgets everything the previous user loaded and drops the socket, whose connection
 * parameters carried the previous token. Call on sign-in and sign-out.
 */
export async function resetClientState(): Promise<void> {
  wsClient.terminate();
  liveState.value = 'idle';
  await apolloClient.clearStore();
}
