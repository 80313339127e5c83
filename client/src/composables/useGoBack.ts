import { useRouter, type RouteLocationRaw } from 'vue-router';

/**
 * Back to where the user came from (a list keeps its filters and page that way), or to `fallback`
 * when the page was opened directly, e.g. from a link in a mail.
 */
export function useGoBack(fallback: () => RouteLocationRaw): () => void {
  const router = useRouter();
  return () => {
    if (window.history.state?.back) router.back();
    else void router.push(fallback());
  };
}
