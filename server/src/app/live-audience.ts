import {
  getNamedType,
  getOperationAST,
  isLeafType,
  isObjectType,
  Kind,
  print,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type SelectionSetNode,
} from 'graphql';
import type { Actor } from '../kernel/actor.js';

/**
 * Everything about a subscriber that the output of a subscription may depend on, as one string.
 * What the resolvers read of the caller: the user themself (staff contact details are shown to
 * the user they describe — staffView; texts in the user's own language — readerLanguage, read
 * from their user row), the role, the department, the permission set; for an API key its scopes,
 * its department and the key itself. Conservative on purpose: the user or key id is part of it,
 * so two people never share an execution whose output could differ between them.
 */
export function subscriberVisibility(actor: Actor | null): string {
  if (!actor) return 'anonymous';
  const permissions = [...actor.permissions].sort().join(',');
  if (actor.kind === 'apiKey') return `key:${actor.apiKeyId}:${actor.departmentCode ?? ''}:${permissions}`;
  return `user:${actor.userId}:${actor.role}:${actor.departmentCode ?? ''}:${permissions}`;
}

/**
 * Does the operation select only the published event's own data? Every field below the root
 * must be read by the default resolver (a property of the event: plain data that crossed Redis
 * as JSON) and every type must be an object type (no resolveType) or a leaf. The root field of
 * every subscription resolves to its event (schema.ts, resolveSubscriptionsToTheirEvent); the
 * actor was checked when subscribing and the topic filter checks it per event. Such output is
 * the same for every signed-in subscriber that receives the event.
 */
export function readsOnlyTheEvent(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  const root = args.schema.getSubscriptionType();
  if (operation?.operation !== 'subscription' || !root) return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of args.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return plainSelection(root, operation.selectionSet, fragments, true);
}

function plainSelection(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  isRoot: boolean,
): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      const field = type.getFields()[selection.name.value];
      // Below the root, any resolver of our own could read the caller (context) or the database.
      if (!field || (!isRoot && field.resolve !== undefined)) return false;
      const named = getNamedType(field.type);
      if (isLeafType(named)) continue;
      if (!isObjectType(named) || !selection.selectionSet) return false;
      if (!plainSelection(named, selection.selectionSet, fragments, false)) return false;
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) return false;
      if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) return false;
      if (!plainSelection(type, fragment.selectionSet, fragments, isRoot)) return false;
    }
  }
  return true;
}

/**
 * Subscribers with the same key receive the same bytes for the same event: the same document
 * (as sent), operation and variables, and either the same visibility or an operation that reads
 * only the event. Any doubt makes keys differ, never equal.
 */
export function audienceKey(args: ExecutionArgs, actor: Actor | null): string {
  const document = args.document.loc?.source.body ?? print(args.document);
  const audience = readsOnlyTheEvent(args) ? (actor ? 'any-signed-in' : 'anonymous') : subscriberVisibility(actor);
  return JSON.stringify([document, args.operationName ?? null, args.variableValues ?? null, audience]);
}
