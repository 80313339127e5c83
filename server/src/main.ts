/**
 * The server's entry point. OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT set) must hook module
 * loading before pg, http and graphql are first loaded, or their calls are not traced: so the
 * CLI and everything it imports are loaded only after tracing is registered (see otel.ts).
 */
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) await import('./otel.js');
await import('./cli.js');

export {};
