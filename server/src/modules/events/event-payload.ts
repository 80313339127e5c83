import {
  execute,
  GraphQLError,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Actor } from '../../kernel/actor.js';
import type { RequestContext } from '../../kernel/context.js';
import { eventTypeName } from './event-catalogue.js';
import type { FeedEvent } from './event-feed.js';

const MAX_QUERY_LENGTH = 10_000;
const MAX_DEPTH = 10;

/** The documented default body of a webhook: the event as the feed gives it. */
export function defaultEventPayload(e: FeedEvent): Record<string, unknown> {
  return {
    id: e.id,
    sequence: e.sequence,
    type: eventTypeName(e.type),
    occurredAt: e.occurredAt.toISOString(),
    terminationNumber: e.terminationNumber,
    actor: { type: e.actorType, name: e.actorName },
    data: e.data,
  };
}

/**
 * Payload documents: a webhook may define its body as a GraphQL subscription over `event`
 * (Saleor's idea). The document runs against the event with its owner's permissions, through
 * the same schema and resolvers as any request, so it can select nothing its owner could not.
 */
export class EventPayloads {
  private schema: GraphQLSchema | null = null;
  private contextFor: ((actor: Actor) => RequestContext) | null = null;
  private readonly parsed = new Map<string, DocumentNode>();

  /** Called once the schema exists (it is built after the services). */
  attach(schema: GraphQLSchema, contextFor: (actor: Actor) => RequestContext): void {
    this.schema = schema;
    this.contextFor = contextFor;
  }

  /** Null when the document is a valid payload for this owner, else why not. */
  validate(query: string, actor: Actor): string | null {
    const schema = this.requireSchema();
    if (query.length > MAX_QUERY_LENGTH) return `The payload document may be at most ${MAX_QUERY_LENGTH} characters.`;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: 2000 });
    } catch (error) {
      return `The payload document is not GraphQL: ${(error as GraphQLError).message}`;
    }
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || operations[0]!.operation !== 'subscription') {
      return 'The payload document must be one subscription operation, e.g. subscription { event { sequence type } }.';
    }
    const operation = operations[0]!;
    if (operation.variableDefinitions?.length) return 'The payload document cannot declare variables.';
    const root = operation.selectionSet.selections;
    if (root.length !== 1 || root[0]!.kind !== Kind.FIELD || root[0]!.name.value !== 'event' || root[0]!.arguments?.length) {
      return 'The payload document selects exactly one root field, event, without arguments.';
    }
    const errors = validate(schema, document);
    if (errors.length) return `The payload document is not valid: ${errors[0]!.message}`;
    const problem = this.permissionProblem(schema, document, actor);
    if (problem) return problem;
    this.parsed.set(query, document);
    return null;
  }

  /** The webhook body for this event: the default payload, or the document's result with the event's position. */
  async render(e: FeedEvent, query: string | null, actor: Actor): Promise<Record<string, unknown>> {
    if (!query) return defaultEventPayload(e);
    const schema = this.requireSchema();
    let document = this.parsed.get(query);
    if (!document) {
      const problem = this.validate(query, actor);
      if (problem) return { ...envelope(e), event: null, errors: [{ message: problem }] };
      document = this.parsed.get(query)!;
    }
    const result = await execute({ schema, document, rootValue: e, contextValue: this.contextFor!(actor) });
    const selection = (result.data as { event?: unknown } | null | undefined)?.event ?? null;
    const body: Record<string, unknown> = { ...envelope(e), event: selection };
    if (result.errors?.length) body.errors = result.errors.map((error) => ({ message: error.message, path: error.path }));
    return body;
  }

  /** Fields the owner could not read in a request are refused when the document is saved. */
  private permissionProblem(schema: GraphQLSchema, document: DocumentNode, actor: Actor): string | null {
    const typeInfo = new TypeInfo(schema);
    let problem: string | null = null;
    let depth = 0;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: {
          enter(node) {
            depth += 1;
            if (depth > MAX_DEPTH) problem ??= `The payload document is nested deeper than ${MAX_DEPTH} fields.`;
            const parent = typeInfo.getParentType()?.name;
            if (node.name.value === 'termination' && parent !== 'Subscription' && !actor.permissions.has('terminations:read')) {
              problem ??=
                'The owner of this webhook may not read terminations (API keys: the TERMINATIONS_READ scope), so the document cannot select termination.';
            }
          },
          leave() {
            depth -= 1;
          },
        },
      }),
    );
    return problem;
  }

  private requireSchema(): GraphQLSchema {
    if (!this.schema) throw new Error('EventPayloads used before the schema was attached.');
    return this.schema;
  }
}

function envelope(e: FeedEvent) {
  return { id: e.id, sequence: e.sequence, type: eventTypeName(e.type), occurredAt: e.occurredAt.toISOString() };
}
