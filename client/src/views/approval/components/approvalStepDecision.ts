import { graphql } from '@/gql';

/**
 * An approval step's decision: who decided, when and what they wrote. The board's recent decisions
 * and a termination's step table show it, and deciding a step reads it back so the cached step is current.
 */
export const ApprovalStepDecisionFragment = graphql(`
  fragment ApprovalStepDecision on ApprovalStep {
    id
    status
    decidedAt
    comment
    decidedBy {
      id
      name
    }
    onBehalfOf {
      id
      name
    }
  }
`);
