import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';

type ExecutorRequest = Parameters<GatewayExecutor>[0];
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { inSpan, REQUEST_ID_ATTRIBUTE } from '../kernel/tracing.js';

/** Most operations compiled per document (a document normally holds one). */
const MAX_OPERATIONS_PER_DOCUMENT = 8;

/**
 * Runs operations with graphql-jit: each distinct document is compiled once into plain JS that
 * walks the result tree without graphql-js's per-field bookkeeping, which dominated large list
 * responses (e.g. 50 terminations with orders, lines and steps: ~2,000 fields). Apollo keeps
 * parsing, validation (with the armor limits), the plugins and error formatting; only execution
 * is swapped. Compiled queries are kept per parsed document, which Apollo itself caches by
 * query text, so the cache cannot outgrow Apollo's. Mutations run through graphql-js, in order,
 * as they always have.
 */
export function compiledExecution(schema: GraphQLSchema, options: { hideSuggestions: boolean }): GatewayInterface {
  const { hideSuggestions } = options;
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();
  const compile = (document: DocumentNode, operationName: string | undefined): CompiledQuery | null => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    const found = byOperation.get(key);
    if (found) return found;
    const result = compileQuery(schema, document, operationName);
    if (!isCompiledQuery(result)) return null;
    if (byOperation.size < MAX_OPERATIONS_PER_DOCUMENT) byOperation.set(key, result);
    return result;
  };

  const execution = async (requestContext: ExecutorRequest): Promise<ExecutionResult> => {
    const { document, operationName, operation, request, context: contextValue } = requestContext;
    // No single operation to run (several and no name, or an unknown name): graphql-js says
    // why, and Apollo turns its errors into a 400 as usual.
    if (!operation)
      return execute({
        schema,
        document,
        operationName: request.operationName,
        contextValue,
        variableValues: request.variables,
        hideSuggestions,
      });
    // Variables are checked as graphql-js would before any resolver runs (Apollo answers 400).
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { hideSuggestions });
    if (coerced.errors) return { errors: coerced.errors };
    const query = operation.operation === 'query' ? compile(document, operationName ?? undefined) : null;
    const result = query
      ? await query.query(undefined, contextValue, request.variables ?? {})
      : await execute({ schema, document, operationName, contextValue, variableValues: request.variables, hideSuggestions });
    return query && result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : (result as ExecutionResult);
  };

  return {
    async load() {
      return {
        // One span per operation (named as OpenTelemetry's GraphQL conventions name it): the
        // resolvers' SQL and outgoing HTTP spans nest under it.
        executor: (requestContext) =>
          inSpan(
            `${requestContext.operation?.operation ?? 'graphql'} ${requestContext.operationName ?? 'anonymous'}`,
            {
              'graphql.operation.type': requestContext.operation?.operation ?? 'unknown',
              'graphql.operation.name': requestContext.operationName ?? '',
              [REQUEST_ID_ATTRIBUTE]: (requestContext.context as { requestId?: string }).requestId ?? '',
            },
            () => execution(requestContext),
          ),
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * graphql-jit reports an exception thrown by a resolver as its own error object: its message is
 * read-only and its `extensions` are the thrown error's. Apollo's plugins and error formatting
 * expect graphql's own errors (a plugin that rewrote a message on such an object threw, and every
 * refused query of the production server became a 500). Each one is rebuilt as graphql's own
 * error, with the code and the cause kept, so masking and status codes see what graphql-js
 * execution would give them.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const original = (error as { originalError?: Error }).originalError ?? error;
  // Our own refusals (FORBIDDEN, BAD_USER_INPUT …) keep their code and cause, at the field's path.
  if (original !== error && original instanceof GraphQLError && original.extensions?.code) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      originalError: original.originalError,
      extensions: original.extensions,
    });
  }
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    path: error.path,
    originalError: original === error ? undefined : original,
    extensions: error.extensions,
  });
}
