import fs from 'node:fs';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: Record<string, unknown>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** An env file's assignments (`NAME=value` lines; `#` comments and blank lines skipped). */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.trim();
  }
  return env;
}

/**
 * Compose's variable interpolation: `$$`, `${X}`, `${X:-default}`, `${X-default}`, `${X:?message}`
 * and `${X?message}`. A required variable that is unset (or empty, for `:?`) throws with the
 * message, as `docker compose up` stops with it.
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Z_][A-Z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name?: string, colon?: string, op?: string, arg?: string) => {
      if (whole === '$$') return '$';
      const value = vars[name!];
      const missing = colon ? !value : value === undefined;
      if (!op) return value ?? '';
      if (op === '-') return missing ? arg! : value!;
      if (missing) throw new Error(`required variable ${name}: ${arg}`);
      return value!;
    },
  );
}

/** A service's environment as its container gets it, interpolated with `vars`. */
export function serviceEnv(service: ComposeService, vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value ?? ''), vars)]),
  );
}
