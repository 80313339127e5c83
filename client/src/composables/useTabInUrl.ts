import { computed, type WritableComputedRef } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/**
 * The open tab of a detail page, kept in the URL (?tab=…) so a link can point at one tab.
 * The first tab is the default and leaves the URL clean.
 */
export function useTabInUrl<Tab extends string>(tabs: readonly [Tab, ...Tab[]]): WritableComputedRef<Tab> {
  const route = useRoute();
  const router = useRouter();
  const [first] = tabs;
  return computed<Tab>({
    get: () => ((tabs as readonly string[]).includes(String(route.query.tab)) ? (route.query.tab as Tab) : first),
    set: (tab) => void router.replace({ query: { ...route.query, tab: tab === first ? undefined : tab } }),
  });
}
