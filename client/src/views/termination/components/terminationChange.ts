import { graphql } from '@/gql';

/**
 * What a mutation that changes a termination reads back on success: its status and version, so the
 * cached termination (and a version-checked form) is current before the refetch arrives.
 */
export const TerminationChangeFragment = graphql(`
  fragment TerminationChange on TerminationSuccess {
    termination {
      id
      status
      version
    }
  }
`);
