import { useMutation } from '@vue/apollo-composable';
import { useRouter } from 'vue-router';
import { notifyError } from '@/app/feedback';
import { safeRedirect } from '@/app/router';
import { graphql } from '@/gql';

/** What the bell and the notification list show of a notification (rendered in the reader's language). */
export const NotificationItemFragment = graphql(`
  fragment NotificationItem on Notification {
    id
    createdAt
    titleParts
    bodyParts
    link
    readAt
  }
`);

const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids)
  }
`);

/**
 * Marking notifications read and opening one, for the bell and the list: both refetch what they
 * show afterwards, and only links within the app are followed (a notification cannot send the
 * user elsewhere).
 */
export function useNotificationActions(refetch: () => unknown) {
  const router = useRouter();
  const { mutate, loading: marking } = useMutation(MarkNotificationsReadMutation);

  async function mark(ids: string[]) {
    if (!ids.length) return;
    try {
      await mutate({ ids });
    } catch (error) {
      notifyError(error);
    }
    await refetch();
  }

  async function follow(item: { id: string; link?: string | null; readAt?: unknown }) {
    if (!item.readAt) await mark([item.id]);
    if (item.link) await router.push(safeRedirect(item.link));
  }

  return { mark, follow, marking };
}
