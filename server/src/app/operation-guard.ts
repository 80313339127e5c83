import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode, type GraphQLError } from 'graphql';
import { badInput, clientError } from '../common/errors.js';
import type { RequestContext } from '../kernel/context.js';
import { costProblem } from './query-cost.js';

/** Longest string accepted anywhere in an operation's input; real fields are far shorter. */
export const MAX_INPUT_STRING = 20_000;

/** NUL cannot be stored by PostgreSQL and never belongs in ERP text: refused up front, with a clear error. */
export function inputProblem(variables: unknown, document?: DocumentNode): GraphQLError | null {
  const problem = (value: string, where: string): GraphQLError | null => {
    if (value.includes('\u0000')) return badRequest(`${where} contains a NUL character.`);
    if (value.length > MAX_INPUT_STRING) return badRequest(`${where} is longer than ${MAX_INPUT_STRING} characters.`);
    return null;
  };
  const walk = (value: unknown, path: string, depth: number): GraphQLError | null => {
    if (depth > 20) return badRequest('The variables are nested too deeply.');
    if (typeof value === 'string') return problem(value, path);
    if (Array.isArray(value)) {
      if (value.length > 1000) return badRequest(`${path} has more than 1000 items.`);
      for (const [i, item] of value.entries()) {
        const found = walk(item, `${path}[${i}]`, depth + 1);
        if (found) return found;
      }
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const found = problem(key, `A key in ${path}`) ?? walk(item, `${path}.${key}`, depth + 1);
        if (found) return found;
      }
    }
    return null;
  };
  const fromVariables = walk(variables ?? {}, 'variables', 0);
  if (fromVariables || !document) return fromVariables;
  let fromDocument: GraphQLError | null = null;
  visit(document, {
    [Kind.STRING]: (node) => {
      fromDocument ??= problem(node.value, 'A string in the query');
    },
  });
  return fromDocument;
}

function badRequest(message: string): GraphQLError {
  return badInput(message);
}

/** HTTP: subscriptions belong on the WebSocket; input is checked before any resolver runs. */
export function operationGuardPlugin(maxCost: number): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (operation?.operation === 'subscription') {
            throw clientError('BAD_REQUEST', 'Subscriptions go over WebSocket (graphql-ws) at /graphql.');
          }
          const problem =
            inputProblem(request.variables, document) ??
            (operation ? costProblem(schema, document, operation, request.variables, maxCost) : null);
          if (problem) throw problem;
        },
      };
    },
  };
}
