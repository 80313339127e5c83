import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus series (README "Metrics"). One registry per process: the API and the
 * worker each serve theirs on METRICS_PORT. Every label takes values from a bounded set (routes,
 * error codes, task and topic names, operation names capped by `boundedName`), so a caller
 * cannot grow the series without limit.
 */
export const registry = new Registry();

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600];

export const httpDuration = new Histogram({
  name: 'ot_http_request_duration_seconds',
  help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const graphqlDuration = new Histogram({
  name: 'ot_graphql_operation_duration_seconds',
  help: 'GraphQL operations by operation name, type and result (ok or the first error code)',
  labelNames: ['operation', 'type', 'result'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const graphqlErrors = new Counter({
  name: 'ot_graphql_errors_total',
  help: 'Errors in GraphQL responses by code (as the client saw it)',
  labelNames: ['code'] as const,
  registers: [registry],
});

export const websocketConnections = new Gauge({
  name: 'ot_websocket_connections',
  help: 'Open GraphQL WebSocket connections',
  registers: [registry],
});

export const activeSubscriptions = new Gauge({
  name: 'ot_graphql_subscriptions_active',
  help: 'Running GraphQL subscriptions by root field',
  labelNames: ['field'] as const,
  registers: [registry],
});

/**
 * The live fan-out (app/subscription-hub.ts): executions of a subscription operation for an
 * event (one per group of subscribers that receive the same bytes) against the messages that
 * carried their results. Messages per execution is what grouping saves.
 */
export const liveExecutions = new Counter({
  name: 'ot_live_executions_total',
  help: 'Subscription operations executed for live events (one per group of identical subscribers), by root field',
  labelNames: ['field'] as const,
  registers: [registry],
});

export const liveDeliveries = new Counter({
  name: 'ot_live_messages_total',
  help: 'Live event messages sent to subscribers of the grouped fan-out, by root field',
  labelNames: ['field'] as const,
  registers: [registry],
});

export const pubSubDelay = new Histogram({
  name: 'ot_pubsub_delay_seconds',
  help: 'From publishing a live event to this instance receiving it, by topic',
  labelNames: ['topic'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'ot_job_duration_seconds',
  help: 'Job runs in this process by task and result (ok, error)',
  labelNames: ['task', 'result'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const webhookDeliveries = new Counter({
  name: 'ot_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const webhookLag = new Histogram({
  name: 'ot_webhook_delivery_lag_seconds',
  help: 'From a delivery being created (its event) to an attempt, by outcome',
  labelNames: ['outcome'] as const,
  buckets: LAG_SECONDS,
  registers: [registry],
});

let defaultsCollected = false;
/** Node process series (CPU, memory, event loop lag, GC), once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry, prefix: 'ot_' });
}

/** Seconds since a start taken with process.hrtime.bigint(). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Label values chosen by clients (GraphQL operation names): the first `cap` distinct valid
 * names are kept as they are; anything else is "other", a missing name "anonymous".
 */
export function boundedName(cap: number): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (seen.has(name)) return name;
    if (!NAME_RE.test(name) || seen.size >= cap) return 'other';
    seen.add(name);
    return name;
  };
}

/** An error code as a label: codes the server sets are upper snake case; anything else is not trusted. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,47}$/.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}

const WEBHOOK_OUTCOMES = new Set(['succeeded', 'retrying', 'failed']);

/** A webhook attempt, once its outcome (the delivery's status: SUCCEEDED, RETRYING, FAILED) is written. */
export function observeWebhookDelivery(status: string, createdAt: Date, attemptedAt: Date): void {
  const outcome = status.toLowerCase();
  if (!WEBHOOK_OUTCOMES.has(outcome)) return; // left as it was (its endpoint went meanwhile)
  webhookDeliveries.inc({ outcome });
  webhookLag.observe({ outcome }, Math.max(0, (attemptedAt.getTime() - createdAt.getTime()) / 1000));
}
