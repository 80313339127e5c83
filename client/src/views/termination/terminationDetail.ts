import { useRecordQuery } from '@/composables/useRecordQuery';
import { graphql } from '@/gql';

/** Everything about one termination; the page and the printable dossier share it (and its cache entry). */
export const TerminationDetailQuery = graphql(`
  query TerminationDetail($number: String!) {
    termination(number: $number) {
      id
      number
      status
      scope
      explanation
      customerConfirmationRequired
      requestedAt
      statusChangedAt
      effectiveAt
      closedAt
      effectBlockedAt
      version
      fault
      feeAdjustment {
        amount
        previousAmount
        contractFee
        reason
        adjustedByName
        adjustedAt
      }
      order {
        id
        number
        status
        currency
        customer {
          id
          code
          name
          nameEn
        }
      }
      reason {
        id
        code
        labelZh
        labelEn
        category
      }
      requestedBy {
        id
        name
        email
      }
      effectBlockers {
        code
        message
        subject
      }
      impact {
        currency
        terminatedValue
        contractFee
        cancellationFee
        feeAdjusted
        ...ImpactPreview
      }
      followUpTasks {
        id
        status
        kind
        department
        ...FollowUpTaskCard
      }
      attachments {
        id
        ...AttachmentItem
        ...DossierAttachment
      }
      ...TerminationLifecycle
      ...TerminationApprovalSteps
      ...TerminationConfirmation
      ...TerminationSettlement
      ...TerminationAppliedPurchaseOrders
      ...TerminationAuditTrail
    }
  }
`);

/** Any change to this termination (a decision, the customer's answer, a task done): the page refetches. */
export const TerminationChangedSubscription = graphql(`
  subscription TerminationChanged($terminationId: ID) {
    terminationChanged(terminationId: $terminationId) {
      kind
      terminationId
      newStatus
      at
    }
  }
`);

/** One termination by its number, for its detail and dossier pages; `notFound` once the server said there is none. */
export function useTerminationDetail(number: () => string) {
  const { record, ...state } = useRecordQuery(
    TerminationDetailQuery,
    () => ({ number: number() }),
    (result) => result.termination,
  );
  return { termination: record, ...state };
}
