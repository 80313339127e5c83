import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity.js';
import type { FollowUpTask } from '../follow-up/follow-up-task.entity.js';
import type { MailMessage } from '../notification/mail-message.entity.js';
import type { Termination } from '../termination/termination.entity.js';
import type { PurchaseOrder } from './purchase-order.entity.js';
import type { Supplier } from './supplier.entity.js';

/** How the supplier is told: by e-mail, or by Purchasing on the phone when no e-mail is known. */
export enum SupplierNoticeChannel {
  EMAIL = 'EMAIL',
  PHONE_TASK = 'PHONE_TASK',
}
registerEnumType(SupplierNoticeChannel, { name: 'SupplierNoticeChannel' });

/** A line of the notice as the supplier reads it: quantities as the effect applied them. */
export interface SupplierNoticeLine {
  sku: string;
  productName: string;
  before: number;
  cancelled: number;
  after: number;
}

/**
 * The cancellation notice of one purchase order to its supplier, on record in the PO's history:
 * the mail that carries it (delivery status, Message-ID) or the phone task Purchasing got.
 */
@Entity({ tableName: 'supplier_notice' })
export class SupplierNotice extends BaseEntity<'mailMessage' | 'followUpTask'> {
  @ManyToOne('Termination', { index: true })
  termination!: Termination;

  @ManyToOne('PurchaseOrder', { index: true })
  purchaseOrder!: PurchaseOrder;

  @ManyToOne('Supplier')
  supplier!: Supplier;

  @Enum({ items: () => SupplierNoticeChannel, type: 'string' })
  channel!: SupplierNoticeChannel;

  /** CANCEL (nothing left on order) or REDUCE, as the effect applied it. */
  @Property({ type: 'string', length: 16 })
  action!: string;

  @Property({ type: 'json' })
  lines!: SupplierNoticeLine[];

  @ManyToOne('MailMessage', { nullable: true, unique: true })
  mailMessage?: MailMessage | null;

  @ManyToOne('FollowUpTask', { nullable: true })
  followUpTask?: FollowUpTask | null;
}
