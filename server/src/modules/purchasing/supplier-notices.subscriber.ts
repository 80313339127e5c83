import type { DomainEvent, DomainEvents, EventSubscriber } from '../../kernel/domain-events.js';
import type { TransactionScope } from '../../kernel/transaction.js';
import { localDateOf } from '../calendar/working-days.js';
import { openFollowUpTask } from '../follow-up/follow-up-tasks.js';
import { FollowUpKind } from '../follow-up/follow-up-task.entity.js';
import type { MailService } from '../notification/mail.service.js';
import { Product } from '../order/product.entity.js';
import { Termination } from '../termination/termination.entity.js';
import { PurchaseOrder } from './purchase-order.entity.js';
import { SupplierNotice, SupplierNoticeChannel, type SupplierNoticeLine } from './supplier-notice.entity.js';
import { supplierNoticeMail } from './supplier-notice-mail.js';
import type { Supplier } from './supplier.entity.js';

/** Hours Purchasing has to phone a supplier that has no e-mail. */
const PHONE_TASK_HOURS = 24;

/**
 * When taking effect cancels or reduces purchase orders, each PO's supplier is told (取消相关采购单):
 * a notice queued to the supplier's e-mail, or, when none is known, a PURCHASING task to phone it.
 * Both are written in the effect's transaction, so a rolled-back effect tells nobody. Costs two
 * reads (POs with suppliers, products) plus the writes, and nothing when no PO changed.
 */
export function supplierNoticesSubscriber(deps: {
  mail: Pick<MailService, 'queue'>;
  events: DomainEvents;
  contact: string;
}): EventSubscriber {
  return {
    name: 'supplier-notices',
    types: ['termination.effect_applied'],
    async inTransaction(scope, event) {
      const applied = (event as DomainEvent<'termination.effect_applied'>).data.purchaseOrders;
      if (!applied.length || !event.termination) return;
      const { em } = scope;
      // The effect holds the termination loaded and locked: no query.
      const t = await em.findOneOrFail(Termination, { id: event.termination.id });
      const pos = await em.find(PurchaseOrder, { number: { $in: applied.map((p) => p.number) } }, { populate: ['supplier'] });
      const skus = [...new Set(applied.flatMap((p) => p.lines.map((l) => l.sku)))];
      const products = new Map((await em.find(Product, { sku: { $in: skus } })).map((p) => [p.sku, p]));
      const effectiveDate = localDateOf(t.effectiveAt ?? event.at);
      for (const change of applied) {
        const po = pos.find((p) => p.number === change.number);
        if (!po) continue;
        const lines: SupplierNoticeLine[] = change.lines.map((l) => ({
          sku: l.sku,
          productName: products.get(l.sku)?.name ?? l.sku,
          before: l.before,
          cancelled: l.cancelled,
          after: l.after,
        }));
        const notice = { termination: t, purchaseOrder: po, supplier: po.supplier, action: change.action, lines };
        if (po.supplier.email) {
          const message = await deps.mail.queue(em, {
            ...supplierNoticeMail({
              supplierName: po.supplier.name,
              contactName: po.supplier.contactName ?? null,
              recipient: po.supplier.email,
              purchaseOrderNumber: po.number,
              action: change.action,
              lines,
              effectiveDate,
              terminationNumber: t.number,
              contact: deps.contact,
            }),
            terminationId: t.id,
          });
          em.create(SupplierNotice, { ...notice, channel: SupplierNoticeChannel.EMAIL, mailMessage: message });
        } else {
          const task = await phoneTask(scope, deps.events, t, po, po.supplier, change.action, lines);
          em.create(SupplierNotice, { ...notice, channel: SupplierNoticeChannel.PHONE_TASK, followUpTask: task });
        }
      }
    },
  };
}

/** No e-mail on file: Purchasing phones the supplier, with everything to tell it. */
function phoneTask(
  scope: TransactionScope,
  events: DomainEvents,
  t: Termination,
  po: PurchaseOrder,
  supplier: Supplier,
  action: string,
  lines: readonly SupplierNoticeLine[],
) {
  const cancel = action === 'CANCEL';
  const phone = supplier.phone ? `（${supplier.phone}）` : '';
  const instructions = [
    `电话通知供应商 ${supplier.name}${phone}${cancel ? '取消' : '减少'}采购单 ${po.number}（无邮箱）/ ` +
      `Notify supplier ${supplier.name} by phone${supplier.phone ? ` (${supplier.phone})` : ''} of the ${cancel ? 'cancellation' : 'reduction'} of ${po.number} (no e-mail on file):`,
    ...lines.map((l) => `${l.sku} ${l.productName}: ${l.before} −${l.cancelled} → ${l.after}`),
  ].join('\n');
  return openFollowUpTask(scope, events, t, {
    kind: FollowUpKind.SUPPLIER_CANCELLATION,
    department: 'PURCHASING',
    dueInHours: PHONE_TASK_HOURS,
    instructions,
  });
}
