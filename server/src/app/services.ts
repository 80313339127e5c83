import { FaultInjector } from '../kernel/faults.js';
import { BulkTerminationService } from '../modules/bulk/bulk.service.js';
import { ApprovalService } from '../modules/approval/approval.service.js';
import { ApprovalDeputyService } from '../modules/approval/approval-deputy.service.js';
import { CalendarService } from '../modules/calendar/calendar.service.js';
import { ConfirmationIssuer } from '../modules/confirmation/confirmation-issuer.js';
import { ConfirmationService } from '../modules/confirmation/confirmation.service.js';
import { FollowUpService } from '../modules/follow-up/follow-up.service.js';
import { ApprovalRuleService } from '../modules/approval/approval-rule.service.js';
import { ExchangeRateService } from '../modules/currency/exchange-rate.service.js';
import { UserAdminService } from '../modules/identity/user-admin.service.js';
import { ApiKeyService } from '../modules/identity/api-key.service.js';
import { AuthService } from '../modules/identity/auth.service.js';
import { SignInOptionsService } from '../modules/identity/sign-in-options.js';
import { TokenSigner } from '../modules/identity/token.js';
import { MailService } from '../modules/notification/mail.service.js';
import { NotificationService } from '../modules/notification/notification.service.js';
import { NotificationPreferencesService } from '../modules/notification/notification-preferences.service.js';
import { StaffMailDirectory } from '../modules/notification/staff-mail-directory.js';
import { StaffMailer } from '../modules/notification/staff-mail.js';
import { ScheduledWorkService } from '../modules/notification/scheduled-work.service.js';
import { OrderService } from '../modules/order/order.service.js';
import { DossierService } from '../modules/reporting/dossier.service.js';
import { DossierPdfRenderer } from '../modules/reporting/dossier-pdf.js';
import { ReportingService } from '../modules/reporting/reporting.service.js';
import { EventFeed } from '../modules/events/event-feed.js';
import { EventPayloads } from '../modules/events/event-payload.js';
import { EffectRunner } from '../modules/termination/effect/effect-runner.js';
import { EFFECT_STEP_LIST } from '../modules/termination/effect/effect-steps.js';
import { FeeAdjustmentService } from '../modules/termination/fee-adjustment.service.js';
import { ImpactService } from '../modules/termination/impact.service.js';
import { ReasonService } from '../modules/termination/reason.service.js';
import { TerminationLifecycle } from '../modules/termination/termination-lifecycle.js';
import { TerminationService } from '../modules/termination/termination.service.js';
import { loadSecretBox } from '../common/secret-box.js';
import { WebhookDeliverer } from '../modules/webhooks/webhook-deliver.js';
import { WebhookDispatcher } from '../modules/webhooks/webhook-dispatch.js';
import { WebhookEndpointService } from '../modules/webhooks/webhook-endpoint.service.js';
import { SyncService } from '../modules/sync/sync.service.js';
import { AttachmentService } from '../modules/attachment/attachment.service.js';
import { createAttachmentStorage } from '../modules/attachment/attachment-storage.js';
import { ImportService } from '../modules/sync/import/import.service.js';
import { CommentService } from '../modules/comment/comment.service.js';
import type { AppConfig } from './config.js';
import { OidcClient } from '../modules/sso/oidc-client.js';
import { SsoClaimMappingService } from '../modules/sso/sso-claim-mapping.service.js';
import { SsoSecrets } from '../modules/sso/sso-secrets.js';
import { SsoSignInService } from '../modules/sso/sso-sign-in.service.js';
import { DomainEvents, type EventSubscriber } from '../kernel/domain-events.js';
import { EventPublisher } from '../kernel/live-events.js';
import { eventSubscribers } from './event-subscribers.js';
import type { Logger } from '../kernel/logger.js';
import type { PubSubHandle } from '../kernel/pubsub.js';
import { RateLimits } from '../kernel/rate-limits.js';

import type { Services } from '../kernel/context.js';

export type { Services };

/** One instance of each service per process; every method takes the request context first. */
declare module '../kernel/context.js' {
  interface Services {
    rateLimits: RateLimits;
    auth: AuthService;
    signInOptions: SignInOptionsService;
    apiKeys: ApiKeyService;
    orders: OrderService;
    sync: SyncService;
    imports: ImportService;
    reasons: ReasonService;
    terminations: TerminationService;
    feeAdjustments: FeeAdjustmentService;
    approvals: ApprovalService;
    approvalDeputies: ApprovalDeputyService;
    confirmations: ConfirmationService;
    followUps: FollowUpService;
    notifications: NotificationService;
    notificationPreferences: NotificationPreferencesService;
    mail: MailService;
    scheduled: ScheduledWorkService;
    events: EventPublisher;
    faults: FaultInjector;
    reporting: ReportingService;
    dossiers: DossierService;
    /** Dossier PDFs by the system Chromium (one browser, a small queue). */
    dossierPdf: DossierPdfRenderer;
    bulk: BulkTerminationService;
    userAdmin: UserAdminService;
    approvalRules: ApprovalRuleService;
    exchangeRates: ExchangeRateService;
    calendar: CalendarService;
    eventFeed: EventFeed;
    eventPayloads: EventPayloads;
    webhooks: WebhookEndpointService;
    attachments: AttachmentService;
    comments: CommentService;
    ssoClaimMappings: SsoClaimMappingService;
    /** Single sign-on; null when OIDC_ISSUER is unset. */
    sso: SsoSignInService | null;
  }
}

export function createServices(
  config: AppConfig,
  signingSecret: string,
  pubSub: PubSubHandle,
  logger: Logger,
  /** Subscribers beyond the product's own (an embedding's integrations), run after them. */
  moreSubscribers: readonly EventSubscriber[] = [],
): Services {
  const rateLimits = new RateLimits(config.rateLimits, pubSub.redis);
  const events = new EventPublisher(pubSub.pubSub);
  const notifications = new NotificationService(events);
  const secretBox = loadSecretBox(config);
  const webhookDispatcher = new WebhookDispatcher(
    new WebhookDeliverer(
      secretBox,
      { allowedHosts: config.webhookAllowedHosts, retrySchedule: config.webhookRetrySchedule, publicUrl: config.publicUrl },
      notifications,
    ),
  );
  const staffMailDirectory = new StaffMailDirectory(events);
  const staffMail = new StaffMailer(staffMailDirectory, (): MailService => mail, config.publicUrl);
  // Mail records deliveries as events and subscribers queue mail: the list is filled once both exist.
  const subscribers: EventSubscriber[] = [];
  const domainEvents = new DomainEvents(subscribers);
  const mail = new MailService(config.smtpUrl, config.mailFrom, logger, domainEvents);
  subscribers.push(
    ...eventSubscribers({
      events,
      domainEvents,
      notifications,
      mail,
      staffMail,
      purchasingContact: config.purchasingContact,
      webhooks: webhookDispatcher,
    }),
    ...moreSubscribers,
  );
  const faults = new FaultInjector(config.faultInjection);
  const exchangeRates = new ExchangeRateService(config.baseCurrency, domainEvents);
  const impacts = new ImpactService(exchangeRates);
  const calendar = new CalendarService(domainEvents);
  const issuer = new ConfirmationIssuer(
    { publicUrl: config.publicUrl, validityHours: config.confirmationValidityHours, reminderHoursBefore: 48 },
    mail,
    calendar,
    domainEvents,
  );
  const lifecycle = new TerminationLifecycle({
    events: domainEvents,
    impacts,
    confirmations: issuer,
    effect: new EffectRunner(EFFECT_STEP_LIST, { mail, events: domainEvents }, faults, domainEvents),
  });
  const confirmations = new ConfirmationService(issuer, mail, lifecycle, rateLimits, domainEvents);
  const followUps = new FollowUpService(lifecycle);
  const terminations = new TerminationService(impacts, lifecycle, domainEvents);
  const apiKeys = new ApiKeyService(events, domainEvents);
  const sync = new SyncService(domainEvents, notifications);
  const auth = new AuthService(
    new TokenSigner(signingSecret),
    config.tokenTtlSeconds,
    apiKeys,
    rateLimits,
    events,
    domainEvents,
    config.passwordSignIn,
  );
  const sso = config.oidc
    ? new SsoSignInService(
        new OidcClient(config.oidc, `${config.publicUrl}/auth/oidc/callback`),
        new SsoSecrets(signingSecret),
        auth,
        events,
        domainEvents,
      )
    : null;
  return {
    rateLimits,
    auth,
    sso,
    ssoClaimMappings: new SsoClaimMappingService(domainEvents),
    signInOptions: new SignInOptionsService(
      config.production,
      { passwordSignIn: config.passwordSignIn, singleSignOn: sso !== null },
      {
        companyName: config.companyName,
        publicUrl: config.publicUrl,
        attachmentMaxBytes: config.attachmentMaxBytes,
        customerAttachmentMaxBytes: config.customerAttachmentMaxBytes,
      },
    ),
    userAdmin: new UserAdminService(events, auth, domainEvents),
    approvalRules: new ApprovalRuleService(domainEvents),
    exchangeRates,
    apiKeys,
    orders: new OrderService(),
    sync,
    imports: new ImportService(sync, domainEvents, events, faults, { dir: config.importDir, chunkSize: config.importChunkSize }),
    reasons: new ReasonService(domainEvents),
    terminations,
    feeAdjustments: new FeeAdjustmentService(impacts),
    approvals: new ApprovalService(lifecycle),
    approvalDeputies: new ApprovalDeputyService(domainEvents),
    confirmations,
    followUps,
    notifications,
    notificationPreferences: new NotificationPreferencesService(staffMailDirectory),
    mail,
    scheduled: new ScheduledWorkService(issuer, confirmations, domainEvents),
    events,
    domainEvents,
    faults,
    reporting: new ReportingService(exchangeRates),
    dossiers: new DossierService({ companyName: config.companyName, publicUrl: config.publicUrl }),
    dossierPdf: new DossierPdfRenderer({ chromiumPath: config.chromiumPath }, logger),
    bulk: new BulkTerminationService(terminations, events, faults, domainEvents, config.bulkBatchSize),
    calendar,
    eventFeed: new EventFeed(config.eventRetentionDays),
    eventPayloads: new EventPayloads(),
    webhooks: new WebhookEndpointService(secretBox, config.webhookAllowedHosts, webhookDispatcher),
    attachments: new AttachmentService(createAttachmentStorage(config), domainEvents, {
      maxBytes: config.attachmentMaxBytes,
      customerMaxBytes: config.customerAttachmentMaxBytes,
      storageDir: config.storageDir,
      publicUrl: config.publicUrl,
    }),
    comments: new CommentService(),
  };
}
