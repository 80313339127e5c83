import { onScopeDispose, readonly, ref } from 'vue';

/** Whether a CSS media query matches, kept up to date. */
export function useMediaQuery(query: string) {
  const list = window.matchMedia(query);
  const matches = ref(list.matches);
  const update = (event: MediaQueryListEvent) => (matches.value = event.matches);
  list.addEventListener('change', update);
  onScopeDispose(() => list.removeEventListener('change', update));
  return readonly(matches);
}

/** Below a laptop width (tablets): menus fold and tables drop secondary columns. */
export const NARROW_SCREEN = '(max-width: 1023px)';
