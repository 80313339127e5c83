import { assertMailConfigured, loadConfig } from '../../server/src/app/config.js';
import { assertSecretsConfigured } from '../../server/src/common/secret-box.js';

/** How the deploy examples mark a value the operator must supply (a secret). */
export const PLACEHOLDER = 'CHANGE_ME';

/** Stand-ins of the right shape for placeholders, so the server's own start-up checks can run on an example. */
const STAND_INS: Record<string, string> = {
  SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
  SMTP_URL: 'smtp://user:password@mail.example.com:587',
};

/** Placeholders replaced by stand-ins (`CHANGE_ME` inside a URL becomes a word). */
export function fillPlaceholders(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      value === PLACEHOLDER ? (STAND_INS[name] ?? `stand-in-${name.toLowerCase()}`) : value.replaceAll(PLACEHOLDER, 'secret'),
    ]),
  );
}

/**
 * What keeps a production process of this deployment from starting or from running right, for an
 * environment as a container would get it: the server's own start-up checks (mail, secrets key,
 * config parsing), plus what a multi-instance deployment needs — an external PostgreSQL (else each
 * container starts an embedded one), Redis (else live events stay on one instance), one session key
 * and the public URL for links. `api` is an HTTP instance next to separate workers (RUN_WORKER=0).
 */
export function productionEnvProblems(env: Record<string, string>, role: 'api' | 'worker' | 'migrate'): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV !== 'production') problems.push('NODE_ENV must be production');
  try {
    const config = loadConfig(env);
    assertMailConfigured(config);
    assertSecretsConfigured(config);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const required = role === 'migrate' ? ['DATABASE_URL'] : ['DATABASE_URL', 'REDIS_URL', 'AUTH_SECRET', 'PUBLIC_URL', 'DATA_DIR'];
  for (const name of required) if (!env[name]) problems.push(`${name} is not set`);
  if (role === 'api' && env.RUN_WORKER !== '0') problems.push('RUN_WORKER must be 0 on API instances (jobs run in the worker)');
  return problems;
}
