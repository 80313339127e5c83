import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
} from '@opentelemetry/api';

/**
 * Manual spans, for work the automatic instrumentations do not see as one unit: a GraphQL
 * operation (executed by graphql-jit, which graphql's instrumentation does not wrap) and a
 * job. Without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is registered and these cost a no-op call.
 */
// Looked up on each use, not once: this module loads before otel.ts registers the SDK, and a
// tracer taken earlier stays a no-op when the SDK registers through another copy of the API.
const tracer = () => trace.getTracer('order-termination');

/** The attribute that carries our request id (x-request-id) on spans. */
export const REQUEST_ID_ATTRIBUTE = 'request.id';

/** The request id of the span that carries one (REQUEST_ID_ATTRIBUTE), for the jobs queued under it. */
const REQUEST_ID_KEY = createContextKey('order-termination.request-id');

/**
 * Runs `work` inside a new active span (children — SQL, HTTP — nest under it); a throw marks it
 * failed. A request id among the attributes goes with the span's context to the jobs queued in it.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
  links: Link[] = [],
): Promise<T> {
  const requestId = attributes[REQUEST_ID_ATTRIBUTE];
  const parent = typeof requestId === 'string' && requestId ? context.active().setValue(REQUEST_ID_KEY, requestId) : context.active();
  return tracer().startActiveSpan(name, { kind, attributes, links }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace and span ids of the active span, for log lines; empty when no span records. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  // A no-op span (no SDK) has an all-zero id and flags 0.
  if (!traceFlags && /^0+$/.test(traceId)) return {};
  return { trace_id: traceId, span_id: spanId };
}

/**
 * Where a queued job came from, kept in its payload (`JOB_TRACE_KEY`): the W3C trace context of the
 * span that queued it and that span's request id. Absent without tracing (nothing is added then).
 */
export interface JobTrace {
  traceparent: string;
  tracestate?: string;
  requestId?: string;
}

export const JOB_TRACE_KEY = '_trace';

/** The active span's trace context and request id, for a job queued now; undefined when no span records. */
export function jobTrace(): JobTrace | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return undefined;
  const requestId = context.active().getValue(REQUEST_ID_KEY);
  return {
    traceparent: carrier.traceparent,
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/**
 * A job run's ties to where it was queued: a link to the queuing span (a link, not a parent: jobs
 * such as SLA reminders run days later, and retries more than once) and the request id to carry.
 */
export function jobOrigin(payload: unknown): { links: Link[]; requestId?: string } {
  const trace_ = (payload as Record<string, unknown> | null)?.[JOB_TRACE_KEY] as Partial<JobTrace> | undefined;
  if (!trace_ || typeof trace_.traceparent !== 'string') return { links: [] };
  const origin = trace.getSpanContext(
    propagation.extract(ROOT_CONTEXT, { traceparent: trace_.traceparent, tracestate: trace_.tracestate }),
  );
  return {
    links: origin ? [{ context: origin }] : [],
    ...(typeof trace_.requestId === 'string' ? { requestId: trace_.requestId } : {}),
  };
}

/** Marks the active span (the HTTP server span) with our request id. */
export function tagActiveSpan(requestId: string): void {
  trace.getActiveSpan()?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
}

export { SpanKind };

const shutdowns: Array<() => Promise<void>> = [];

/** Registered by otel.ts: flushes buffered spans on a graceful stop. */
export function onTracingShutdown(flush: () => Promise<void>): void {
  shutdowns.push(flush);
}

/** Sends what the tracer still buffers (a no-op without tracing); never throws, never waits over 3 s. */
export async function shutdownTracing(): Promise<void> {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3_000).unref());
  await Promise.race([Promise.allSettled(shutdowns.map((flush) => flush())), timeout]);
}
