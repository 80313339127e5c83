import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

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

/** Runs `work` inside a new active span (children — SQL, HTTP — nest under it); a throw marks it failed. */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
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
