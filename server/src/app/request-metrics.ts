import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { getOperationAST, Kind, type ExecutionArgs } from 'graphql';
import type { WebSocket } from 'ws';
import {
  activeSubscriptions,
  boundedName,
  codeLabel,
  graphqlDuration,
  graphqlErrors,
  httpDuration,
  secondsSince,
  websocketConnections,
} from '../kernel/metrics.js';
import type { RequestContext } from '../kernel/context.js';
import { tagActiveSpan } from '../kernel/tracing.js';

/** Path prefixes that are routes of their own on the dashboard; the SPA's pages and anything else are "other". */
const ROUTES = [
  '/graphql',
  '/healthz',
  '/readyz',
  '/attachments',
  '/confirmations',
  '/exports',
  '/imports',
  '/terminations',
  '/graphiql',
  '/assets',
];

function routeOf(path: string): string {
  return ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? 'other';
}

/** Times every HTTP request by route and status, and puts the request id on the trace's server span. */
export function httpMetrics(): express.RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    // Read now: mounted routers rewrite req.path (e.g. /graphql → /) before the response ends.
    const route = routeOf(req.path);
    tagActiveSpan(res.locals.requestId as string);
    res.once('finish', () => {
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, secondsSince(start));
    });
    next();
  };
}

/** Client-chosen operation names: the first 200 distinct ones are series, the rest "other". */
const operationLabel = boundedName(200);

/** Times each GraphQL operation over HTTP by name and result (ok or its first error's code), and counts errors by code. */
export function graphqlMetricsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const start = process.hrtime.bigint();
      return {
        async willSendResponse({ response, request, operation }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          for (const error of errors) graphqlErrors.inc({ code: codeLabel(error.extensions?.code) });
          graphqlDuration.observe(
            {
              operation: operationLabel(request.operationName ?? operation?.name?.value),
              type: operation?.operation ?? 'unknown',
              result: errors.length ? codeLabel(errors[0]!.extensions?.code) : 'ok',
            },
            secondsSince(start),
          );
        },
      };
    },
  };
}

/** Errors a WebSocket operation sent, by code. */
export function countErrors(errors: readonly { extensions?: Record<string, unknown> }[]): void {
  for (const error of errors) graphqlErrors.inc({ code: codeLabel(error.extensions?.code) });
}

/** Counts an open GraphQL WebSocket until it closes. */
export function countConnection(socket: WebSocket): void {
  websocketConnections.inc();
  socket.once('close', () => websocketConnections.dec());
}

/**
 * A subscription's event stream, counted by its root field while it runs: graphql-ws ends it
 * with return() on complete and on socket close, so the gauge goes down whichever happens.
 */
export function countedSubscription<T>(args: ExecutionArgs, stream: AsyncIterable<T>): AsyncGenerator<T> {
  const selection = getOperationAST(args.document, args.operationName)?.selectionSet.selections[0];
  const field = selection?.kind === Kind.FIELD ? selection.name.value : 'other';
  const iterator = stream[Symbol.asyncIterator]();
  activeSubscriptions.inc({ field });
  let counted = true;
  const finish = () => {
    if (counted) activeSubscriptions.dec({ field });
    counted = false;
  };
  const counting: AsyncGenerator<T> = {
    async next() {
      const step = await iterator.next();
      if (step.done) finish();
      return step;
    },
    async return(value) {
      finish();
      return iterator.return ? iterator.return(value) : { done: true, value };
    },
    async throw(error) {
      finish();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return counting;
    },
  };
  return counting;
}
