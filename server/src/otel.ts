import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { onTracingShutdown } from './kernel/tracing.js';

/**
 * Traces over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (main.ts loads this only when it is set,
 * before anything else). The standard OTEL_* variables apply: OTEL_SERVICE_NAME (default
 * order-termination), OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*.
 *
 * Our code is ES modules: the loader hook lets the instrumentations patch modules imported with
 * `import` (pg from the worker); CommonJS ones (knex → pg, express → http) are patched
 * on `require` as usual. fetch needs neither: its instrumentation listens on undici's diagnostics channel.
 */
// Only the instrumented modules go through the hook: wrapping every module broke loading others
// now and then (MikroORM's ESM entry re-exporting its CommonJS build).
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: ['pg', 'pg-pool', 'graphql', 'node:http', 'node:https', 'http', 'https'] },
});

process.env.OTEL_SERVICE_NAME ||= 'order-termination';

const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [
    new HttpInstrumentation({
      // Probes and scrapes would be most of the traces and tell nothing.
      ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz)\b/.test(req.url ?? ''),
    }),
    // Parse and validate spans, and resolvers of mutations (queries run compiled, see compiled-executor.ts).
    new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    // fetch() (Node's undici), which http's instrumentation does not see: single sign-on's calls to
    // the identity provider (discovery, keys, the code exchange).
    new UndiciInstrumentation(),
  ],
});
sdk.start();
// Spans still buffered are sent before the process exits (main's graceful stop waits for this).
onTracingShutdown(() => sdk.shutdown());
