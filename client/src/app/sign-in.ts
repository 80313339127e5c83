import { useApolloClient } from '@vue/apollo-composable';
import { getFragmentData, graphql, type FragmentType } from '@/gql';
import { resetClientState } from './apollo';
import { startSession, updateSessionUser } from './session';

// The sign-in response is resolved before the request is authenticated, so its `permissions` are
// empty; the user's own view of themselves, asked for with the new token, has them.
const SignedInUserQuery = graphql(`
  query SignedInUser {
    me {
      ...SessionUser
    }
  }
`);

/** What a successful sign-in (password or single sign-on) brings back: spread `...SignedIn` in its result. */
export const SignedInFragment = graphql(`
  fragment SignedIn on LoginSuccess {
    token
    expiresAt
    user {
      ...SessionUser
    }
  }
`);

/** Where single sign-on returns to once done (the SPA's own path, kept while the browser visits the identity provider). */
const SSO_REDIRECT_KEY = 'ot.ssoRedirect';

export function rememberSsoRedirect(path: string): void {
  sessionStorage.setItem(SSO_REDIRECT_KEY, path);
}

export function takeSsoRedirect(): string | null {
  const path = sessionStorage.getItem(SSO_REDIRECT_KEY);
  sessionStorage.removeItem(SSO_REDIRECT_KEY);
  return path;
}

/** Starts the session of a successful sign-in (password or single sign-on): the same steps for both. */
export function useStartSignedInSession() {
  const { resolveClient } = useApolloClient();
  return async (signedIn: FragmentType<typeof SignedInFragment>) => {
    const success = getFragmentData(SignedInFragment, signedIn);
    await resetClientState();
    startSession(success.token, success.expiresAt, success.user);
    const { data } = await resolveClient().query({ query: SignedInUserQuery, fetchPolicy: 'network-only' });
    if (data.me) updateSessionUser(data.me);
  };
}
