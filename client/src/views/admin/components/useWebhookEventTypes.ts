import { useQuery } from '@vue/apollo-composable';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { graphql } from '@/gql';

/**
 * The event types an endpoint may subscribe to: the values of the API's `EventType` enum, read
 * from the schema itself (signed-in users may introspect), so a new event type appears here
 * without a change to the SPA.
 */
const EventTypesQuery = graphql(`
  query WebhookEventTypes {
    __type(name: "EventType") {
      enumValues {
        name
        description
      }
    }
  }
`);

/**
 * What group robots announce (the server's IM_EVENT_TYPES, in `EventType` names): approvals due,
 * decisions, SLA breaches, comments with their mentions, and effect. The server refuses other types for IM kinds.
 */
export const IM_EVENT_TYPES: readonly string[] = [
  'TERMINATION_SUBMITTED',
  'APPROVAL_STAGE_ACTIVATED',
  'APPROVAL_APPROVED',
  'APPROVAL_REJECTED',
  'APPROVAL_OVERDUE',
  'FOLLOWUP_OVERDUE',
  'TERMINATION_COMMENT_ADDED',
  'TERMINATION_EFFECTIVE',
];

export function useWebhookEventTypes() {
  const { t, te } = useI18n();
  const { result, loading, error, refetch } = useQuery(EventTypesQuery, null, { fetchPolicy: 'cache-first' });

  const all = computed(() => (result.value?.__type?.enumValues ?? []).map((v) => v.name));

  /**
   * TERMINATION_EFFECTIVE is the domain event `termination.effective`: its label is the audit
   * trail's (`auditAction.termination.effective`). The enum name does not say where the module
   * ends ('approval_rule.created'), so each split is tried; an unlabelled type shows its name.
   */
  function label(name: string): string {
    const lower = name.toLowerCase();
    for (let i = lower.indexOf('_'); i > 0; i = lower.indexOf('_', i + 1)) {
      const key = `auditAction.${lower.slice(0, i)}.${lower.slice(i + 1)}`;
      if (te(key)) return t(key);
    }
    return name;
  }

  /** The types a kind of endpoint may choose from: everything for GENERIC, what robots announce for IM kinds. */
  function choices(kind: string): string[] {
    return kind === 'GENERIC' ? all.value : all.value.filter((name) => IM_EVENT_TYPES.includes(name));
  }

  return { all, loading, error, refetch, label, choices };
}
