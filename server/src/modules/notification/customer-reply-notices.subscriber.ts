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
      title: `${t.number} ${accepted ? '客户已确认 / customer accepted' : '客户已拒绝 / customer declined'}`,
      body: event.data.note ?? '',
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
        title: `${t.number} 客户确认链接已过期 / customer link expired`,
        body: 'Resend the link or withdraw the termination.',
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
        title: refusal
          ? `${t.number} 客户逾期未答复，按合同视为拒绝 / no reply by the deadline: counts as refusal`
          : `${t.number} 客户逾期未答复，按合同视为同意 / no reply by the deadline: counts as acceptance`,
        body: `No reply by ${deadline.en}; contract ${contract} treats silence as ${refusal ? 'refusal' : 'acceptance'}.`,
        link: terminationLink(t),
        terminationId: t.id,
      });
    },
  });
}
