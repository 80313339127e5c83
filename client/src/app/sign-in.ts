import { useApolloClient } from '@vue/apollo-composable';
import { graphql, type FragmentType } from '@/gql';
import { resetClientState } from './apollo';
import { SessionUser, startSession, updateSessionUser } from './session';

// The sign-in response is resolved before the request is authenticated, so its `permissions` are
// empty; the user's own view of themselves, asked for with the new token, has them.
const SignedInUserQuery = graphql(`
  query SignedInUser {
    me {
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
  return async (success: { token: string; expiresAt: string; user: FragmentType<typeof SessionUser> }) => {
    await resetClientState();
    startSession(success.token, success.expiresAt, success.user);
    const { data } = await resolveClient().query({ query: SignedInUserQuery, fetchPolicy: 'network-only' });
    if (data.me) updateSessionUser(data.me);
  };
}
