import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { ApprovalRuleResolver } from '../modules/approval/approval-rule.resolver.js';
import { ApprovalResolver } from '../modules/approval/approval.resolver.js';
import { ConfirmationResolver } from '../modules/confirmation/confirmation.resolver.js';
import { FollowUpResolver } from '../modules/follow-up/follow-up.resolver.js';
import { NotificationResolver } from '../modules/notification/notification.resolver.js';
import { ReasonResolver } from '../modules/termination/reason.resolver.js';
import { TerminationLineResolver, TerminationResolver } from '../modules/termination/termination.resolver.js';
import { LiveResolver } from '../modules/live/live.resolver.js';
import { ApiKeyResolver } from '../modules/identity/api-key.resolver.js';
import { UserAdminResolver } from '../modules/identity/user-admin.resolver.js';
import { ReportingResolver } from '../modules/reporting/reporting.resolver.js';
import { BulkItemResolver, BulkResolver } from '../modules/bulk/bulk.resolver.js';
import { IdentityResolver } from '../modules/identity/identity.resolver.js';
import { ReservationResolver, StockLevelResolver } from '../modules/inventory/inventory.resolver.js';
import { SalesOrderLineResolver, SalesOrderResolver, ShipmentResolver } from '../modules/order/order.resolver.js';
import { PurchaseOrderLineResolver, PurchaseOrderResolver } from '../modules/purchasing/purchasing.resolver.js';
import { PermissionAuthChecker, requireActorOnRootFields } from './auth-checker.js';
import type { AppPubSub } from './pubsub.js';

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
  ApprovalResolver,
  ApprovalRuleResolver,
  ConfirmationResolver,
  FollowUpResolver,
  NotificationResolver,
  LiveResolver,
  ApiKeyResolver,
  UserAdminResolver,
  ReportingResolver,
  BulkResolver,
  BulkItemResolver,
];

export async function buildAppSchema(pubSub?: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker: PermissionAuthChecker,
    authMode: 'error',
    globalMiddlewares: [requireActorOnRootFields],
    validate: { forbidUnknownValues: false },
    pubSub,
    emitSchemaFile: false,
  });
}
