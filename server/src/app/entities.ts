import { BulkTerminationItem, BulkTerminationRun } from '../modules/bulk/bulk-run.entity.js';
import { ImportRowError, ImportRun } from '../modules/sync/import/import-run.entity.js';
import { ApiKey } from '../modules/identity/api-key.entity.js';
import { AppSetting } from './app-setting.entity.js';
import { ApprovalRule } from '../modules/approval/approval-rule.entity.js';
import { ExchangeRate } from '../modules/currency/exchange-rate.entity.js';
import { ApprovalStep } from '../modules/approval/approval-step.entity.js';
import { ApprovalDeputy } from '../modules/approval/approval-deputy.entity.js';
import { AuditEvent } from '../kernel/audit-event.entity.js';
import { CalendarDay } from '../modules/calendar/calendar-day.entity.js';
import { IdempotencyRecord } from '../kernel/idempotency-record.entity.js';
import { CustomerConfirmation } from '../modules/confirmation/customer-confirmation.entity.js';
import { FollowUpTask } from '../modules/follow-up/follow-up-task.entity.js';
import { MailMessage } from '../modules/notification/mail-message.entity.js';
import { Notification } from '../modules/notification/notification.entity.js';
import { NotificationPreference } from '../modules/notification/notification-preference.entity.js';
import { Settlement } from '../modules/settlement/settlement.entity.js';
import { TerminationLine } from '../modules/termination/termination-line.entity.js';
import { TerminationReason } from '../modules/termination/termination-reason.entity.js';
import { Termination } from '../modules/termination/termination.entity.js';
import { Department } from '../modules/identity/department.entity.js';
import { Session } from '../modules/identity/session.entity.js';
import { User } from '../modules/identity/user.entity.js';
import { Invoice } from '../modules/finance/invoice.entity.js';
import { Payment } from '../modules/finance/payment.entity.js';
import { Reservation } from '../modules/inventory/reservation.entity.js';
import { StockLevel } from '../modules/inventory/stock-level.entity.js';
import { Warehouse } from '../modules/inventory/warehouse.entity.js';
import { Contract } from '../modules/order/contract.entity.js';
import { Customer } from '../modules/order/customer.entity.js';
import { Product } from '../modules/order/product.entity.js';
import { SalesOrderLine } from '../modules/order/sales-order-line.entity.js';
import { SalesOrder } from '../modules/order/sales-order.entity.js';
import { Shipment } from '../modules/order/shipment.entity.js';
import { PurchaseOrderLine } from '../modules/purchasing/purchase-order-line.entity.js';
import { PurchaseOrder } from '../modules/purchasing/purchase-order.entity.js';
import { Supplier } from '../modules/purchasing/supplier.entity.js';
import { SupplierNotice } from '../modules/purchasing/supplier-notice.entity.js';
import { WebhookDelivery } from '../modules/webhooks/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../modules/webhooks/webhook-endpoint.entity.js';
import { Attachment } from '../modules/attachment/attachment.entity.js';
import { TerminationComment } from '../modules/comment/termination-comment.entity.js';
import { SsoClaimMapping } from '../modules/sso/sso-claim-mapping.entity.js';
import { SsoIdentity } from '../modules/sso/sso-identity.entity.js';

/** Every entity, listed explicitly: discovery by folder scanning breaks between src and dist. */
export const ENTITIES = [
  AppSetting,
  Department,
  User,
  Session,
  ApiKey,
  Customer,
  Product,
  Contract,
  SalesOrder,
  SalesOrderLine,
  Shipment,
  Invoice,
  Payment,
  Supplier,
  PurchaseOrder,
  PurchaseOrderLine,
  SupplierNotice,
  Warehouse,
  StockLevel,
  Reservation,
  TerminationReason,
  Termination,
  TerminationLine,
  ApprovalRule,
  ExchangeRate,
  ApprovalStep,
  ApprovalDeputy,
  CustomerConfirmation,
  CalendarDay,
  Settlement,
  FollowUpTask,
  Attachment,
  TerminationComment,
  AuditEvent,
  IdempotencyRecord,
  MailMessage,
  Notification,
  NotificationPreference,
  BulkTerminationRun,
  BulkTerminationItem,
  ImportRun,
  ImportRowError,
  WebhookEndpoint,
  WebhookDelivery,
  SsoClaimMapping,
  SsoIdentity,
];
