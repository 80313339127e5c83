import { useQuery } from '@vue/apollo-composable';
import { computed } from 'vue';
import { currentUser } from '@/app/session';
import { graphql } from '@/gql';

const MyDeputyshipsQuery = graphql(`
  query BoardDeputyships {
    approvalDeputies {
      id
      department
      endsAt
      active
      head {
        id
        name
      }
      deputy {
        id
      }
    }
  }
`);

/**
 * The deputyships under which the signed-in user stands in for a head now (a clerk or a head of
 * another department, for the period the head named). Administrators decide everywhere anyway.
 */
export function useStandingIn() {
  const isAdmin = computed(() => currentUser.value?.role === 'ADMIN');
  const { result, refetch } = useQuery(MyDeputyshipsQuery, null, () => ({ enabled: !isAdmin.value, fetchPolicy: 'cache-and-network' }));
  const standingIn = computed(() => result.value?.approvalDeputies.filter((d) => d.active && d.deputy.id === currentUser.value?.id) ?? []);
  /** Whether I stand in for the head of `department` now. */
  const standsInFor = (department: string) => standingIn.value.some((d) => d.department === department);
  return { standingIn, standsInFor, refetch };
}
