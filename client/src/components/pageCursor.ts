import { graphql } from '@/gql';

/** What CursorPager reads of a connection's page (spread `pageInfo { ...PageCursor }` in every paged list's query). */
export const PageCursorFragment = graphql(`
  fragment PageCursor on PageInfo {
    hasNextPage
    endCursor
  }
`);
