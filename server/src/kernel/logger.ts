import { pino, type Logger } from 'pino';
import { activeTraceFields } from './tracing.js';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'order-termination' },
    // With tracing on, a line written inside a span names its trace (to find the trace from a log line).
    mixin: activeTraceFields,
    // Never log credentials, whatever shape a log call passes them in.
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  });
}
