import { buildSchema, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { defaultFieldResolver, isInterfaceType, isUnionType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ErrorResult } from '../common/error-result.js';
import { ApprovalRuleResolver } from '../modules/approval/approval-rule.resolver.js';
import { ExchangeRateResolver } from '../modules/currency/exchange-rate.resolver.js';
import { ApprovalResolver } from '../modules/approval/approval.resolver.js';
import { ApprovalDeputyResolver } from '../modules/approval/approval-deputy.resolver.js';
import { CalendarResolver } from '../modules/calendar/calendar.resolver.js';
import { ConfirmationResolver } from '../modules/confirmation/confirmation.resolver.js';
import { FollowUpResolver } from '../modules/follow-up/follow-up.resolver.js';
import { NotificationResolver } from '../modules/notification/notification.resolver.js';
import { NotificationPreferencesResolver } from '../modules/notification/notification-preferences.resolver.js';
import { ReasonResolver } from '../modules/termination/reason.resolver.js';
import { TerminationLineResolver, TerminationResolver } from '../modules/termination/termination.resolver.js';
import { LiveResolver } from '../modules/live/live.resolver.js';
import { EventFeedResolver, TerminationEventResolver } from '../modules/events/event-feed.resolver.js';
import { resolveEventTypes } from '../modules/events/event.types.js';
import { ApiKeyResolver } from '../modules/identity/api-key.resolver.js';
import { UserAdminResolver } from '../modules/identity/user-admin.resolver.js';
import { ReportingResolver } from '../modules/reporting/reporting.resolver.js';
import { BulkItemResolver, BulkResolver } from '../modules/bulk/bulk.resolver.js';
import { IdentityResolver } from '../modules/identity/identity.resolver.js';
import { ReservationResolver, StockLevelResolver } from '../modules/inventory/inventory.resolver.js';
import { SalesOrderLineResolver, SalesOrderResolver, ShipmentResolver } from '../modules/order/order.resolver.js';
import {
  PurchaseOrderLineResolver,
  PurchaseOrderResolver,
  TerminationSupplierNoticesResolver,
} from '../modules/purchasing/purchasing.resolver.js';
import { WebhookResolver } from '../modules/webhooks/webhooks.resolver.js';
import { SyncResolver } from '../modules/sync/sync.resolver.js';
import {
  AttachmentResolver,
  FollowUpTaskAttachmentsResolver,
  TerminationAttachmentsResolver,
} from '../modules/attachment/attachment.resolver.js';
import { ImportResolver } from '../modules/sync/import/import.resolver.js';
import { CommentResolver, TerminationCommentsResolver } from '../modules/comment/comment.resolver.js';
import { SsoClaimMappingResolver } from '../modules/sso/sso-claim-mapping.resolver.js';
import { SsoResolver } from '../modules/sso/sso.resolver.js';
import { PermissionAuthChecker, PUBLIC_OPERATIONS } from './auth-checker.js';
import { callFieldResolversDirectly } from './direct-resolvers.js';
import { unauthenticated } from '../common/errors.js';
import type { RequestContext } from '../kernel/context.js';
import type { AppPubSub } from '../kernel/pubsub.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  IdentityResolver,
  SalesOrderResolver,
  SalesOrderLineResolver,
  ShipmentResolver,
  PurchaseOrderResolver,
  PurchaseOrderLineResolver,
  ReservationResolver,
  StockLevelResolver,
  ReasonResolver,
  TerminationResolver,
  TerminationLineResolver,
  TerminationSupplierNoticesResolver,
  AttachmentResolver,
  TerminationAttachmentsResolver,
  FollowUpTaskAttachmentsResolver,
  ApprovalResolver,
  ApprovalDeputyResolver,
  ApprovalRuleResolver,
  ExchangeRateResolver,
  ConfirmationResolver,
  FollowUpResolver,
  NotificationResolver,
  NotificationPreferencesResolver,
  LiveResolver,
  EventFeedResolver,
  TerminationEventResolver,
  ApiKeyResolver,
  UserAdminResolver,
  ReportingResolver,
  BulkResolver,
  BulkItemResolver,
  CalendarResolver,
  WebhookResolver,
  SyncResolver,
  ImportResolver,
  CommentResolver,
  TerminationCommentsResolver,
  SsoResolver,
  SsoClaimMappingResolver,
];

export async function buildAppSchema(pubSub?: AppPubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker: PermissionAuthChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false },
    // Every @Subscription has its own subscribe function; type-graphql's pubSub serves no topic.
    pubSub: pubSub as never,
    emitSchemaFile: false,
  });
  resolveSubscriptionsToTheirEvent(schema);
  callFieldResolversDirectly(schema, RESOLVERS);
  requireActorOnRootFields(schema);
  resolveResultTypesSynchronously(schema);
  resolveEventTypes(schema);
  return schema;
}

/**
 * A subscription field's value is the published event itself (every @Subscription method returns
 * its root; access was checked when subscribing and is checked per event by the topic filter).
 * Resolving it directly skips type-graphql's argument handling, which otherwise ran once per
 * subscriber for every event (1,000 board subscribers: 1,000 times per decision).
 */
function resolveSubscriptionsToTheirEvent(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) field.resolve = (event: unknown) => event;
}

/**
 * Our abstract types are the operation results (success | ErrorResult …) and ErrorResult itself:
 * an ErrorResult instance names its own type, anything else is the union's success type.
 * type-graphql wraps every resolveType in an async function; the compiled executor needs the
 * answer synchronously (graphql-js accepts both).
 */
function resolveResultTypesSynchronously(schema: GraphQLSchema): void {
  const nameOfClass = new Map<unknown, string>(getMetadataStorage().objectTypes.map((t) => [t.target, t.name]));
  const errorName = (value: unknown) => (value instanceof ErrorResult ? nameOfClass.get(value.constructor) : undefined);
  for (const type of Object.values(schema.getTypeMap())) {
    if (isUnionType(type)) {
      const success = type.getTypes().find((member) => !member.getInterfaces().some((i) => i.name === 'ErrorResult'));
      type.resolveType = (value) => errorName(value) ?? success?.name;
    } else if (isInterfaceType(type)) {
      type.resolveType = errorName;
    }
  }
}

/**
 * Secure by default: a root field not named public refuses anonymous callers, even without
 * @Authorized. Only the root fields are wrapped: a type-graphql global middleware wraps every
 * field of every object in async middleware, which dominates large lists and fan-outs.
 */
function requireActorOnRootFields(schema: GraphQLSchema): void {
  const guard = (resolve: GraphQLFieldResolver<unknown, RequestContext> | undefined): GraphQLFieldResolver<unknown, RequestContext> => {
    const inner = resolve ?? defaultFieldResolver;
    return (root, args, context, info) => {
      if (!context.actor) throw unauthenticated();
      return inner(root, args, context, info);
    };
  };
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      if (PUBLIC_OPERATIONS.has(field.name)) continue;
      field.resolve = guard(field.resolve as GraphQLFieldResolver<unknown, RequestContext> | undefined);
      if (field.subscribe) field.subscribe = guard(field.subscribe as GraphQLFieldResolver<unknown, RequestContext>);
    }
  }
}
