import { useQuery } from '@vue/apollo-composable';
import { computed } from 'vue';
import { graphql } from '@/gql';

/**
 * The installation's public facts the SPA shows: the company and address printed on dossiers, the
 * attachment limits stated beside file pickers. One query for all of them (public: the customer's
 * page asks without a session).
 */
const SiteFactsQuery = graphql(`
  query SiteFacts {
    signInOptions {
      companyName
      publicUrl
      attachmentMaxBytes
      customerAttachmentMaxBytes
    }
  }
`);

export function useSiteFacts() {
  const { result } = useQuery(SiteFactsQuery, null, { fetchPolicy: 'cache-first', context: { anonymous: true } });
  return computed(() => result.value?.signInOptions ?? null);
}
