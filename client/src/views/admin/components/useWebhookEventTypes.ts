import { eventTypeName, IM_EVENT_TYPES } from '@ot/shared';
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

/** What group robots announce (@ot/shared's IM_EVENT_TYPES), in `EventType` names. The server refuses other types for IM kinds. */
const IM_TYPE_NAMES: readonly string[] = IM_EVENT_TYPES.map(eventTypeName);

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
    return kind === 'GENERIC' ? all.value : all.value.filter((name) => IM_TYPE_NAMES.includes(name));
  }

  return { all, loading, error, refetch, label, choices };
}
