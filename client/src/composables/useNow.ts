import { onScopeDispose, readonly, ref } from 'vue';

/** The current time, updated every `ms` (for ages and "overdue" that change while a page stays open). */
export function useNow(ms = 30_000) {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), ms);
  onScopeDispose(() => clearInterval(timer));
  return readonly(now);
}
