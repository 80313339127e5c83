import { graphql } from '@/gql';

/** Who asked for a termination, when and why: each list or card of terminations shows it. */
export const TerminationRequestFragment = graphql(`
  fragment TerminationRequest on Termination {
    requestedAt
    reason {
      id
      code
      labelZh
      labelEn
    }
    requestedBy {
      id
      name
    }
  }
`);
