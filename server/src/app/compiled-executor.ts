import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

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
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
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

  return {
    async load() {
      return {
        executor: async (requestContext) => {
          const { document, operationName, operation, request, context: contextValue } = requestContext;
          // No single operation to run (several and no name, or an unknown name): graphql-js says
          // why, and Apollo turns its errors into a 400 as usual.
          if (!operation)
            return execute({ schema, document, operationName: request.operationName, contextValue, variableValues: request.variables });
          // Variables are checked as graphql-js would before any resolver runs (Apollo answers 400).
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) return { errors: coerced.errors };
          const query = operation.operation === 'query' ? compile(document, operationName ?? undefined) : null;
          const result = query
            ? await query.query(undefined, contextValue, request.variables ?? {})
            : await execute({ schema, document, operationName, contextValue, variableValues: request.variables });
          return query && result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : (result as ExecutionResult);
        },
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
 * graphql-jit reports an exception thrown by a resolver as its own error object, without
 * `extensions`, which Apollo's error formatting cannot read. Rebuilt as graphql's own error with
 * the original kept, our masking sees the cause (e.g. the database being down) as it does on
 * graphql-js.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  if (error instanceof GraphQLError && error.extensions) return error;
  const original = (error as { originalError?: Error }).originalError ?? error;
  // Our own refusals (FORBIDDEN, BAD_USER_INPUT …) keep their code and cause, at the field's path.
  if (original instanceof GraphQLError && original.extensions) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      originalError: original.originalError,
      extensions: original.extensions,
    });
  }
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: original });
}
