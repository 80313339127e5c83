import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { compiledExecution } from './compiled-executor.js';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import {
  getOperationAST,
  GraphQLError,
  parse,
  printSchema,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { CLIENT_SAFE_CODES, clientError, forbidden, serviceUnavailable, statusFromErrors } from '../common/errors.js';
import { inputProblem, operationGuardPlugin } from './operation-guard.js';
import { costProblem } from './query-cost.js';
import { RetriesExhaustedError } from '../kernel/transaction.js';
import type { Actor } from '../kernel/actor.js';
import type { AppConfig } from './config.js';
import { createContext, type RequestContext } from '../kernel/context.js';
import { isDatabaseUnavailable } from './db-errors.js';
import type { Logger } from '../kernel/logger.js';
import type { Services } from './services.js';
import { looksLikeApiKey } from '../modules/identity/api-key.service.js';
import { TOPICS, type CredentialsEnded } from '../kernel/live-events.js';
import { mountAttachments } from './attachments.js';
import { mountExports } from './exports.js';
import { mountImports } from '../modules/sync/import/import-http.js';
import { mountGraphiql } from './graphiql.js';
import { SubscriptionHub } from './subscription-hub.js';
import { mountSso } from '../modules/sso/sso-http.js';
import { armorProtection, introspectionGuard, QUERY_LIMITS, securityHeaders } from './security.js';
import { countConnection, countedSubscription, countErrors, graphqlMetricsPlugin, httpMetrics } from './request-metrics.js';

export interface HttpServerDeps {
  config: AppConfig;
  orm: MikroORM;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  readiness: () => Promise<{ ok: boolean; detail: string }>;
}

export interface RunningHttpServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

const REQUEST_ID_RE = /^[\w-]{8,64}$/;
/** The largest GraphQL request, over HTTP (body) and WebSocket (message). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/**
 * The largest HTTP body of an API key allowed to sync (ERP_SYNC): a syncRecords call of 500
 * records with their lines (500 orders of 5 lines with GUID ids: 0.5 MB compact, 1.2 MB indented by 4;
 * orders or POs of up to 200 lines are larger still).
 */
export const MAX_SYNC_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Turns anything that is not a deliberate client error into a generic one; the full error is logged. */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  if (code && CLIENT_SAFE_CODES.has(code)) {
    const { stacktrace: _ignored, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof RetriesExhaustedError) {
    return { message: original.message, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } };
  }
  if (isDatabaseUnavailable(original)) {
    return { message: serviceUnavailable().message, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  }
  return { message: 'Internal server error.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** What a WebSocket client may see of an error: the same masking as HTTP (no HTTP details either). */
function publicError(error: GraphQLError, requestId?: string): GraphQLError {
  const formatted = maskError(error.toJSON(), error);
  const { http: _http, ...extensions } = formatted.extensions ?? {};
  return new GraphQLError(formatted.message, {
    path: formatted.path,
    extensions: requestId ? { ...extensions, requestId } : extensions,
  });
}

/** The same error under the code of its class (graphql's own parse and validation errors carry none). */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

/**
 * The HTTP status follows the error contract (HTTP_STATUS_BY_CODE): the response's most severe
 * error decides, whichever way it was raised (a resolver, a plugin, the masking of an unexpected
 * error or of an unreachable database), so that clients and load balancers can rely on it.
 */
function statusPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const status = statusFromErrors((response.body.singleResult.errors ?? []).map((e) => e.extensions?.code));
          if (status) response.http.status = status;
        },
      };
    },
  };
}

/** Logs every error with the request id, and adds the id to what the client sees. */
function requestIdPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code as string | undefined;
            const level = code && CLIENT_SAFE_CODES.has(code) ? 'info' : 'error';
            contextValue.logger[level]({ err: error.originalError ?? error, operationName, code }, error.message);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors) return;
          response.body.singleResult.errors = errors.map((e) => ({
            ...e,
            extensions: { ...e.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}

async function authenticateOrExplain(
  services: Services,
  orm: MikroORM,
  authorization: string | undefined,
): Promise<{ actor: Actor | null; em: ReturnType<MikroORM['em']['fork']> }> {
  const em = orm.em.fork();
  try {
    return { actor: await services.auth.authenticate(em, authorization), em };
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (isDatabaseUnavailable(error)) throw serviceUnavailable();
    throw error;
  }
}

export async function startHttpServer(deps: HttpServerDeps): Promise<RunningHttpServer> {
  const { config, orm, schema, services, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // Only configured proxies are believed about the client's address (rate limits count it).
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);

  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });
  app.use(httpMetrics());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ok, detail } = await deps.readiness();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', detail });
  });

  // The SDL for partner systems; in production only for signed-in callers.
  const sdl = printSchema(schema);
  app.get('/graphql/schema.graphql', async (req, res) => {
    if (config.production) {
      try {
        const { actor } = await authenticateOrExplain(services, orm, req.headers.authorization);
        if (!actor) return void res.status(401).type('text/plain').send('Send Authorization: Bearer <token or API key>.');
      } catch {
        return void res.status(401).type('text/plain').send('The credentials are not valid.');
      }
    }
    res.type('text/plain; charset=utf-8').send(sdl);
  });

  const armor = armorProtection();
  // "Did you mean …" would show the schema to anyone; graphql leaves suggestions out when asked.
  const hideSuggestions = config.production;
  // A message over 1 MB (the HTTP body limit) closes the socket (1009) before it is parsed.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: MAX_MESSAGE_BYTES });
  const liveSockets = closeSocketsWhenCredentialsEnd(services);
  /** What a socket's client sees of a result: errors counted, logged and masked like on HTTP. */
  const presentWsResult = (result: ExecutionResult, args: ExecutionArgs): ExecutionResult => {
    if (!result.errors?.length) return result;
    countErrors(result.errors);
    const requestId = (args.contextValue as RequestContext).requestId;
    for (const error of result.errors) logger.warn({ err: error.originalError ?? error, requestId }, 'websocket operation error');
    return { ...result, errors: result.errors.map((e) => publicError(e, requestId)) };
  };
  // Live events: executed once per group of subscribers that receive the same bytes.
  const hub = new SubscriptionHub(presentWsResult);
  wsServer.on('connection', countConnection);
  const wsCleanup = useServer<Record<string, unknown>, { actor?: Actor | null }>(
    {
      schema,
      subscribe: hub.subscribe,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (typeof authorization !== 'string' || !authorization) {
          ctx.extra.socket.close(4401, 'Unauthorized: send connectionParams.authorization');
          return false;
        }
        try {
          const { actor } = await authenticateOrExplain(services, orm, authorization);
          (ctx.extra as { actor?: Actor | null }).actor = actor;
          closeWhenExpired(ctx.extra.socket, actor?.expiresAt ?? null);
          if (actor) liveSockets.add(ctx.extra.socket, actor);
          return true;
        } catch (error) {
          const message = error instanceof GraphQLError ? error.message : 'Unauthorized';
          ctx.extra.socket.close(4401, message.slice(0, 120));
          return false;
        }
      },
      // Queries and mutations may come over the socket too: the same limits, checks and rate limits as HTTP.
      onSubscribe: async (ctx, id, payload) => {
        const actor = (ctx.extra as { actor?: Actor | null }).actor ?? null;
        try {
          if (actor?.kind === 'apiKey') await services.rateLimits.apiKeyRequest(actor.apiKeyId);
          // The same steps, codes and limits as Apollo's pipeline on HTTP.
          let document: DocumentNode;
          try {
            document = parse(payload.query, { maxTokens: QUERY_LIMITS.maxTokens });
          } catch (error) {
            if (error instanceof GraphQLError) return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
            throw error;
          }
          const problem = inputProblem(payload.variables, document);
          if (problem) return [publicError(problem)];
          const errors = validate(schema, document, [...specifiedRules, ...armor.validationRules], { hideSuggestions });
          if (errors.length) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
          const operation = getOperationAST(document, payload.operationName);
          if (!operation) return [clientError('BAD_REQUEST', 'Name one operation of the document to run (operationName).')];
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { hideSuggestions });
          if (coerced.errors) return coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
          const tooCostly = costProblem(schema, document, operation, payload.variables, config.queryMaxCost);
          if (tooCostly) return [publicError(tooCostly)];
          if (config.production && !actor && JSON.stringify(document).match(/"(__schema|__type)"/)) {
            return [publicError(forbidden('Introspection needs a signed-in user or an API key.'))];
          }
          const contextValue = createContext({
            requestId: randomUUID(),
            em: orm.em.fork(),
            actor,
            services,
            logger: logger.child({ transport: 'ws' }),
            ip: ctx.extra.request.socket.remoteAddress ?? '',
          });
          hub.deliverTo(contextValue, ctx.extra.socket, id);
          return {
            schema,
            document,
            variableValues: payload.variables ?? undefined,
            operationName: payload.operationName ?? undefined,
            hideSuggestions,
            contextValue,
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [publicError(error)];
          throw error;
        }
      },
      onOperation: (_ctx, _id, _payload, args, result) => (Symbol.asyncIterator in result ? countedSubscription(args, result) : undefined),
      onNext: (_ctx, _id, _payload, args, result) => presentWsResult(result, args),
      onError: (_ctx, _id, _payload, errors) => {
        for (const error of errors) logger.warn({ err: error }, 'subscription error');
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<RequestContext>({
    // The schema, executed by graphql-jit for queries (see compiledExecution).
    gateway: compiledExecution(schema, { hideSuggestions }),
    // Production allows introspection to signed-in callers only (introspectionGuard).
    introspection: true,
    validationRules: armor.validationRules,
    validationOptions: { hideSuggestions },
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    formatError: maskError,
    // The process owns one shutdown sequence (main.ts → app.close); Apollo's own SIGINT/SIGTERM
    // handlers (on unless NODE_ENV=test) ran a second, concurrent stop that hung until the forced exit.
    stopOnTerminationSignals: false,
    plugins: [
      // graphql-armor is typed against Apollo's CommonJS build; the plugins are the same objects.
      ...(armor.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
      introspectionGuard(config),
      operationGuardPlugin(config.queryMaxCost),
      // In-flight requests get 5 s to finish, so that the whole stop stays within 10 s.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5_000 }),
      // No cache hints are used; without the default cache-control plugin Apollo does not
      // instrument every field resolver (willResolveField) of every response.
      ApolloServerPluginCacheControlDisabled(),
      requestIdPlugin(),
      statusPlugin(),
      graphqlMetricsPlugin(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const json = express.json({ limit: MAX_MESSAGE_BYTES });
  const syncJson = express.json({ limit: MAX_SYNC_MESSAGE_BYTES });
  app.use(
    '/graphql',
    // An API key is authenticated before its body is read (keys are cached): one allowed to sync
    // may send the larger body a syncRecords call of 500 records needs; everyone else 1 MB.
    (req, res, next) => {
      const token = req.headers.authorization?.replace(/^Bearer\s+/i, '').trim();
      if (req.method !== 'POST' || !token || !looksLikeApiKey(token)) return json(req, res, next);
      authenticateOrExplain(services, orm, req.headers.authorization).then(
        (auth) => {
          res.locals.auth = auth;
          (auth.actor?.permissions.has('erp:sync') ? syncJson : json)(req, res, next);
        },
        (error: unknown) => {
          // Answered as GraphQL by the context below, like any refused credential.
          res.locals.authError = error;
          json(req, res, next);
        },
      );
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        let actor: Actor | null;
        let em: ReturnType<MikroORM['em']['fork']>;
        try {
          if (res.locals.authError) throw res.locals.authError;
          ({ actor, em } =
            (res.locals.auth as Awaited<ReturnType<typeof authenticateOrExplain>> | undefined) ??
            (await authenticateOrExplain(services, orm, req.headers.authorization)));
          if (actor?.kind === 'apiKey') await services.rateLimits.apiKeyRequest(actor.apiKeyId);
        } catch (error) {
          // Refused before any plugin runs: the request id goes on the error here.
          if (error instanceof GraphQLError) {
            throw new GraphQLError(error.message, { originalError: error.originalError, extensions: { ...error.extensions, requestId } });
          }
          throw error;
        }
        return createContext({
          requestId,
          em,
          actor,
          services,
          logger: logger.child({ requestId }),
          ip: req.ip ?? '',
        });
      },
    }),
  );

  mountAttachments(app, orm, services, logger);
  mountExports(app, orm, services, logger, schema);
  mountImports(app, orm, services, logger, config.importMaxBytes);
  if (services.sso) mountSso(app, { orm, services, logger, signIn: services.sso, publicUrl: config.publicUrl });
  mountGraphiql(app);
  serveClient(app, config.clientDist);

  // Malformed JSON and oversize bodies: a clear 4xx, never a stack trace.
  app.use(
    (
      error: { status?: number; type?: string; message?: string },
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (res.headersSent) return next(error);
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) logger.error({ err: error }, 'unhandled http error');
      res.status(status).json({
        errors: [
          {
            message: status === 413 ? 'Request body too large.' : status === 500 ? 'Internal server error.' : 'Malformed request body.',
            extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST', requestId: res.locals.requestId },
          },
        ],
      });
    },
  );

  // A request that takes longer than this is cut off (slow clients, runaway work).
  httpServer.requestTimeout = 30_000;
  httpServer.headersTimeout = 20_000;
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const port = (httpServer.address() as { port: number }).port;

  return {
    server: httpServer,
    port,
    close: async () => {
      for (const client of wsServer.clients) client.close(1001, 'Server going away');
      await apollo.stop();
      wsServer.close();
    },
  };
}

/** A live connection lasts no longer than its credentials: closed with 4401 when they expire. */
/**
 * The open sockets and who they belong to; when credentials end (logout, password change,
 * deactivation, a revoked key) on any instance, their sockets here close with 4401.
 */
function closeSocketsWhenCredentialsEnd(services: Services) {
  const sockets = new Map<import('ws').WebSocket, Actor>();
  const ended = (actor: Actor, event: CredentialsEnded): boolean => {
    if (event.kind === 'apiKey') return actor.kind === 'apiKey' && actor.apiKeyId === event.apiKeyId;
    if (actor.kind !== 'user') return false;
    if (event.kind === 'session') return actor.sessionId === event.sessionId;
    return actor.userId === event.userId && actor.sessionId !== event.exceptSessionId;
  };
  void (async () => {
    for await (const event of services.events.subscribe<CredentialsEnded>(TOPICS.credentialsEnded)) {
      for (const [socket, actor] of sockets) if (ended(actor, event)) socket.close(4401, 'Signed out; sign in again');
    }
  })();
  return {
    add(socket: import('ws').WebSocket, actor: Actor): void {
      sockets.set(socket, actor);
      socket.once('close', () => sockets.delete(socket));
    },
  };
}

function closeWhenExpired(socket: import('ws').WebSocket, expiresAt: Date | null): void {
  if (!expiresAt) return;
  const delay = expiresAt.getTime() - Date.now();
  // setTimeout cannot wait longer than ~24.8 days; such sessions are not issued.
  const timer = setTimeout(() => socket.close(4401, 'Token expired; sign in again'), Math.max(0, Math.min(delay, 2 ** 31 - 1)));
  socket.once('close', () => clearTimeout(timer));
}

/** Hashed build output: its name changes with its content, so browsers may keep it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The built SPA, with index.html for client-side routes. The build writes brotli and gzip copies
 * next to each file; they are sent as they are to clients that accept them.
 */
function serveClient(app: express.Express, dist: string): void {
  const index = path.join(dist, 'index.html');
  if (!fs.existsSync(index)) return;
  const assets = path.join(dist, 'assets') + path.sep;
  const files = expressStaticGzip(dist, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: {
      index: false,
      setHeaders: (res, file) => res.setHeader('cache-control', file.startsWith(assets) ? IMMUTABLE : 'no-cache'),
    },
  });
  app.use(files);
  // A missing asset is a 404: answering with the SPA page would hand a stale tab HTML for its script.
  app.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  // Server routes (downloads included) are never answered with the SPA page: a bad path there is a 404.
  app.get(/^\/(?!graphql|graphiql|healthz|readyz|attachments\/|auth\/oidc\/|dossiers\/|exports\/).*/, (req, res, next) => {
    req.url = '/index.html';
    files(req, res, next);
  });
}
