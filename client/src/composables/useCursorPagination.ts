import { computed, ref, watch, type Ref } from 'vue';

/** Each list's cursor stack outlives its component, so coming back from a detail page returns to the same page. */
const remembered = new Map<string, { key: string; cursors: (string | null)[] }>();

/**
 * Previous/Next over a Relay connection that only pages forward (`first`/`after`): the `after`
 * cursor of every page visited is kept on a stack. A new `filterKey` starts again at page 1.
 */
export function useCursorPagination(listId: string, filterKey: Ref<string>) {
  const saved = remembered.get(listId);
  const cursors = ref<(string | null)[]>(saved?.key === filterKey.value ? saved.cursors : [null]);

  watch(filterKey, () => {
    cursors.value = [null];
  });
  watch(
    [cursors, filterKey],
    () => {
      remembered.set(listId, { key: filterKey.value, cursors: cursors.value });
    },
    { immediate: true },
  );

  const page = computed(() => cursors.value.length);

  return {
    /** The `after` argument for the current page. */
    after: computed(() => cursors.value[cursors.value.length - 1] ?? null),
    page,
    hasPrevious: computed(() => page.value > 1),
    next(endCursor: string | null | undefined) {
      if (endCursor) cursors.value = [...cursors.value, endCursor];
    },
    previous() {
      if (cursors.value.length > 1) cursors.value = cursors.value.slice(0, -1);
    },
  };
}
