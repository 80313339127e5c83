import { MIN_NUMBER_FRAGMENT, searchesNumbers } from '@ot/shared';
import { computed, reactive, watch } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';
import { useDebouncedFn } from './useDebouncedFn';

export const PAGE_SIZES = [20, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 20;

/** A query parameter's first value, trimmed; '' when absent. */
export type QueryText = (key: string) => string;

export interface UrlFilterOptions<Applied extends object, Inputs extends object> {
  /** The list's route: only its own query is read (see below). */
  routeName: string;
  /** The filter in force, read from the query; every parameter gets its default when absent or invalid. */
  parse: (text: QueryText) => Applied;
  /** The form's values for a filter in force. Clearing the filters shows the values for an empty query. */
  inputsOf: (applied: Applied) => Inputs;
  /** The query for the form's values; parameters without a field (a link's extra filter) come from `applied`. */
  queryOf: (inputs: Inputs, applied: Applied) => LocationQueryRaw;
  /** Fields typed into: written to the URL after a pause in typing; every other field at once. */
  typed: readonly (keyof Inputs)[];
}

/**
 * The free-text search (`?q=`) and status choice (`?status=A,B`, only values of `statuses` kept)
 * that every list with a ListFilterBar has: spread into `parse`.
 */
export function parseSearchAndStatus<S extends string>(text: QueryText, statuses: readonly S[]) {
  return {
    search: text('q'),
    status: text('status')
      .split(',')
      .filter((s): s is S => (statuses as readonly string[]).includes(s)),
  };
}

/** The search and status inputs written back to the query: spread into `queryOf`. */
export function searchAndStatusQuery(inputs: { search: string; status: readonly string[] }): LocationQueryRaw {
  return { q: inputs.search.trim() || undefined, status: inputs.status.length ? inputs.status.join(',') : undefined };
}

/**
 * An empty list's text, with a hint when the search was too short to be looked for inside numbers
 * (the server matches only names then).
 */
export function emptyListText(search: string, empty: string, t: (key: string, values: Record<string, unknown>) => string): string {
  return search && !searchesNumbers(search) ? `${empty}${t('common.shortSearch', { min: MIN_NUMBER_FRAGMENT })}` : empty;
}

/** The search and status in force as the list's GraphQL filter has them (null: no filter). */
export function searchAndStatusFilter<S extends string>(applied: { search: string; status: readonly S[] }) {
  return { search: applied.search || null, status: applied.status.length ? [...applied.status] : null };
}

function firstText(value: LocationQuery[string]): string {
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

/** Compares a field with the URL's value the way the URL holds it (trimmed), so typing a space is not undone. */
function sameValue(input: unknown, fromUrl: unknown): boolean {
  const normal = (value: unknown) => JSON.stringify(typeof value === 'string' ? value.trim() : (value ?? null));
  return normal(input) === normal(fromUrl);
}

function isSet(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/**
 * A list's filter and page size live in the route query, so a filtered list can be linked and survives
 * back/forward. The form edits `inputs`; they are written to the URL with `router.replace`, and the
 * list queries with `applied`, read back from the URL.
 */
export function useUrlFilter<Applied extends object, Inputs extends object>(options: UrlFilterOptions<Applied, Inputs>) {
  const route = useRoute();
  const router = useRouter();

  // useRoute() moves on to the next page before this view unmounts: read only the list's own query,
  // or leaving for a detail page would look like clearing the filters (and reset the page).
  const listQuery = computed<LocationQuery>((previous) => (route.name === options.routeName ? route.query : (previous ?? {})));

  const applied = computed(() => {
    const query = listQuery.value;
    const size = Number(firstText(query.size));
    return {
      ...options.parse((key) => firstText(query[key])),
      size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
    };
  });

  const inputs = reactive(options.inputsOf(applied.value)) as Inputs;

  function writeUrl(size = applied.value.size) {
    const query: LocationQueryRaw = {
      ...options.queryOf(inputs, applied.value),
      size: size === DEFAULT_PAGE_SIZE ? undefined : String(size),
    };
    void router.replace({ query });
  }

  const typed = useDebouncedFn(writeUrl, 300);
  const keys = Object.keys(inputs) as (keyof Inputs)[];
  const chosenKeys = keys.filter((key) => !options.typed.includes(key));
  watch(() => options.typed.map((key) => inputs[key]), typed.run);
  watch(
    () => chosenKeys.map((key) => inputs[key]),
    () => typed.flush(),
  );

  // The URL changed from outside (a link, back/forward): show its filters in the inputs.
  watch(applied, (a) => {
    const fromUrl = options.inputsOf(a);
    for (const key of keys) if (!sameValue(inputs[key], fromUrl[key])) inputs[key] = fromUrl[key];
  });

  const hasFilters = computed(() => keys.some((key) => isSet(inputs[key])));

  return {
    /** The filter the list shows, with its page size. */
    applied,
    /** The form's values. */
    inputs,
    hasFilters,
    /** Writes pending typing to the URL now (Enter, submit). */
    apply: () => typed.flush(),
    clear() {
      Object.assign(inputs, options.inputsOf(options.parse(() => '')));
      typed.flush();
    },
    setPageSize: (size: number) => writeUrl(size),
    /** Changes whenever the filter in force does: a pager starts again at page 1. */
    filterKey: computed(() => JSON.stringify(applied.value)),
  };
}
