import type { Permission } from '@ot/shared';
import type { DomainEventType } from '../../kernel/domain-events.js';
// The modules' event declarations, so that DomainEventTypes is complete wherever this file is compiled.
import '../approval/approval.events.js';
import '../attachment/attachment.events.js';
import '../comment/comment.events.js';
import '../approval/approval-rule.events.js';
import '../bulk/bulk.events.js';
import '../calendar/calendar.events.js';
import '../confirmation/confirmation.events.js';
import '../currency/currency.events.js';
import '../follow-up/follow-up.events.js';
import '../identity/identity.events.js';
import '../notification/notification.events.js';
import '../purchasing/purchasing.events.js';
import '../termination/reason.events.js';
import '../termination/termination.events.js';
import '../sync/sync.events.js';
import '../sync/import/import.events.js';
import '../sso/sso.events.js';

interface EventInfo {
  /** What a reader (a user's role, a key's scopes, a webhook's owner) needs to see the event. */
  needs: Permission;
  /** Whether the event concerns one termination (its GraphQL type then offers `termination`). */
  termination: boolean;
}

const TERMINATION: EventInfo = { needs: 'terminations:read', termination: true };
const ADMIN: EventInfo = { needs: 'admin:manage', termination: false };

/**
 * Every domain event, with who may read it. Typed against DomainEventTypes, so a new event type
 * does not compile until it is listed here — and so reaches the feed, webhooks and the schema.
 */
const CATALOGUE = {
  'termination.submitted': TERMINATION,
  'termination.pending_approval': TERMINATION,
  'termination.awaiting_customer': TERMINATION,
  'termination.effective': TERMINATION,
  'termination.closed': TERMINATION,
  'termination.rejected': TERMINATION,
  'termination.withdrawn': TERMINATION,
  'termination.customer_declined': TERMINATION,
  'termination.effect_blocked': TERMINATION,
  'termination.effect_applied': TERMINATION,
  'termination.fee_adjusted': TERMINATION,
  'approval.approved': TERMINATION,
  'approval.rejected': TERMINATION,
  'approval.stage_activated': TERMINATION,
  'approval.overdue': TERMINATION,
  'approval.deputy_set': { needs: 'terminations:read', termination: false },
  'approval.deputy_cleared': { needs: 'terminations:read', termination: false },
  'confirmation.sent': TERMINATION,
  'confirmation.reminder_sent': TERMINATION,
  'confirmation.resent': TERMINATION,
  'confirmation.reminded': TERMINATION,
  'confirmation.accepted': TERMINATION,
  'confirmation.declined': TERMINATION,
  'confirmation.expired': TERMINATION,
  'confirmation.silence': TERMINATION,
  'followup.opened': TERMINATION,
  'followup.completed': TERMINATION,
  'followup.overdue': TERMINATION,
  'followup.assigned': TERMINATION,
  'customer.notified': TERMINATION,
  'supplier.notified': TERMINATION,
  'attachment.added': TERMINATION,
  'termination.comment_added': TERMINATION,
  'termination.comment_edited': TERMINATION,
  'bulk.started': { needs: 'terminations:read', termination: false },
  'user.created': ADMIN,
  'user.updated': ADMIN,
  'user.password_changed': ADMIN,
  'api_key.created': ADMIN,
  'api_key.revoked': ADMIN,
  'reason.created': ADMIN,
  'reason.updated': ADMIN,
  'approval_rule.created': ADMIN,
  'approval_rule.updated': ADMIN,
  'calendar.days_set': ADMIN,
  'calendar.day_removed': ADMIN,
  'exchange_rate.set': ADMIN,
  'exchange_rate.deleted': ADMIN,
  'sync.completed': ADMIN,
  'import.completed': ADMIN,
  'sso_mapping.set': ADMIN,
  'sso_mapping.deleted': ADMIN,
  'user.sso_linked': ADMIN,
} satisfies Record<DomainEventType, EventInfo>;

export const EVENT_TYPES = Object.keys(CATALOGUE) as DomainEventType[];

export function isEventType(type: string): type is DomainEventType {
  return Object.hasOwn(CATALOGUE, type);
}

export function eventInfo(type: DomainEventType): EventInfo {
  return CATALOGUE[type];
}

/** The GraphQL enum value: 'termination.effective' → 'TERMINATION_EFFECTIVE' (the SPA names IM types the same way). */
export { eventTypeName } from '@ot/shared';

const WORDS: Record<string, string> = { followup: 'FollowUp', api: 'Api' };

/**
 * The GraphQL object type: 'termination.effective' → 'TerminationEffective'. Events not about a
 * termination end in Event ('exchange_rate.deleted' → 'ExchangeRateDeletedEvent'): their plain
 * names are taken by mutation results.
 */
export function eventObjectName(type: DomainEventType): string {
  const name = type
    .split(/[._]/)
    .map((word) => WORDS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return CATALOGUE[type].termination ? name : `${name}Event`;
}

/** Whether a reader holding these permissions may see events of this type. */
export function mayReadEvent(permissions: ReadonlySet<Permission>, type: string): boolean {
  return isEventType(type) && permissions.has(CATALOGUE[type].needs);
}

/** The event types a reader may see, narrowed to `wanted` when given. */
export function readableEventTypes(permissions: ReadonlySet<Permission>, wanted?: readonly string[] | null): DomainEventType[] {
  const types = wanted?.length ? EVENT_TYPES.filter((t) => wanted.includes(t)) : EVENT_TYPES;
  return types.filter((t) => mayReadEvent(permissions, t));
}
