import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/** The board's card filters, kept in the URL so that a filtered board can be bookmarked and shared. */
export interface BoardFilterValues {
  reason: string;
  min: number | null;
  max: number | null;
  overdue: boolean;
  customer: string;
}

/** What a card needs for the filters. */
interface FilterableStep {
  overdue: boolean;
  dueAt?: string | null;
  termination: {
    reason: { code: string };
    order: { customer: { name: string; nameEn?: string | null } };
    impact: { terminatedValue: string };
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const amount = (value: unknown) => (typeof value === 'string' && value !== '' && Number.isFinite(Number(value)) ? Number(value) : null);

export function useBoardFilters() {
  const route = useRoute();
  const router = useRouter();

  const filters = computed<BoardFilterValues>({
    get: () => ({
      reason: text(route.query.reason),
      min: amount(route.query.min),
      max: amount(route.query.max),
      overdue: route.query.overdue === '1',
      customer: text(route.query.customer),
    }),
    set: (f) =>
      void router.replace({
        query: {
          ...route.query,
          reason: f.reason || undefined,
          min: f.min === null ? undefined : String(f.min),
          max: f.max === null ? undefined : String(f.max),
          overdue: f.overdue ? '1' : undefined,
          customer: f.customer.trim() || undefined,
        },
      }),
  });
  const active = computed(() => {
    const f = filters.value;
    return Boolean(f.reason || f.min !== null || f.max !== null || f.overdue || f.customer);
  });

  function matches(step: FilterableStep, now: number): boolean {
    const f = filters.value;
    const t = step.termination;
    const value = Number(t.impact.terminatedValue);
    if (f.reason && t.reason.code !== f.reason) return false;
    if (f.min !== null && value < f.min) return false;
    if (f.max !== null && value > f.max) return false;
    if (f.overdue && !(step.overdue || (!!step.dueAt && Date.parse(step.dueAt) < now))) return false;
    if (f.customer) {
      const needle = f.customer.trim().toLowerCase();
      const names = [t.order.customer.name, t.order.customer.nameEn ?? ''].join(' ').toLowerCase();
      if (!names.includes(needle)) return false;
    }
    return true;
  }

  return { filters, active, matches };
}
