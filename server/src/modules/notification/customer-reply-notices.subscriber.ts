import type { DomainEvent } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { deadlineText } from '../confirmation/confirmation-mail.js';
import { SilenceMeans } from '../order/contract.entity.js';
import { headsOf, type NotificationService } from './notification.service.js';
import { noticeSubscriber, terminationLink, terminationOf } from './notice-subscriber.js';

/** The requester hears how the customer answered, or that they did not; the route's heads hear of silence too. */
export function customerReplyNoticesSubscriber(notifications: NotificationService) {
  const answered = async (scope: TransactionScope, event: DomainEvent<'confirmation.accepted' | 'confirmation.declined'>) => {
    const t = await terminationOf(scope, event);
    const accepted = event.type === 'confirmation.accepted';
    await notifications.toUsers(scope, [t.requestedBy.id], {
      kind: accepted ? 'CUSTOMER_ACCEPTED' : 'CUSTOMER_DECLINED',
      params: { number: t.number, note: event.data.note ?? '' },
      link: terminationLink(t),
      terminationId: t.id,
    });
  };
  return noticeSubscriber('customer-reply-notices', {
    'confirmation.accepted': answered,
    'confirmation.declined': answered,
    // Without a silence rule the requester decides: resend or withdraw.
    'confirmation.expired': async (scope, event) => {
      if (event.data.silenceMeans) return;
      const t = await terminationOf(scope, event);
      await notifications.toUsers(scope, [t.requestedBy.id], {
        kind: 'CONFIRMATION_EXPIRED',
        params: { number: t.number },
        link: terminationLink(t),
        terminationId: t.id,
      });
    },
    'confirmation.silence': async (scope, event) => {
      const t = await terminationOf(scope, event);
      const { silenceMeans, contract, expiresAt, deadlineDate } = event.data;
      const refusal = silenceMeans === SilenceMeans.REFUSAL;
      const deadline = deadlineText({ expiresAt: new Date(expiresAt), deadlineDate });
      const heads = await headsOf(scope.em, event.termination!.departments);
      await notifications.toUsers(scope, [t.requestedBy.id, ...heads.map((u) => u.id)], {
        kind: refusal ? 'CUSTOMER_SILENT_REFUSAL' : 'CUSTOMER_SILENT_ACCEPTANCE',
        params: { number: t.number, contract, deadlineZh: deadline.zh, deadlineEn: deadline.en },
        link: terminationLink(t),
        terminationId: t.id,
      });
    },
  });
}
