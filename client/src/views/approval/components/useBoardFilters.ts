import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { ApprovalBoardFilter } from '@/gql/graphql';

/** The board's card filters, kept in the URL so that a filtered board can be bookmarked and shared. */
export interface BoardFilterValues {
  reason: string;
  min: number | null;
  max: number | null;
  overdue: boolean;
  customer: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const amount = (value: unknown) =>
  typeof value === 'string' && value !== '' && Number.isFinite(Number(value)) && Number(value) >= 0 ? Number(value) : null;
/** An amount as the API takes it (a decimal with at most two places). */
const decimal = (value: number | null) => (value === null ? null : String(Math.round(value * 100) / 100));

/** The filters from the URL, and the same as the API's filter (the server applies them, see approvalBoardCards). */
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
  const apiFilter = computed<ApprovalBoardFilter>(() => {
    const f = filters.value;
    return {
      reasonCode: f.reason || null,
      minAmount: decimal(f.min),
      maxAmount: decimal(f.max),
      overdue: f.overdue || null,
      customer: f.customer.trim().slice(0, 100) || null,
    };
  });

  return { filters, active, apiFilter };
}
