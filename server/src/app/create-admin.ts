import readline from 'node:readline';
import type { EntityManager } from '@mikro-orm/postgresql';
import { passwordProblem } from '@ot/shared';
import { isEmail } from 'class-validator';
import { DomainEvents } from '../kernel/domain-events.js';
import type { Logger } from '../kernel/logger.js';
import { inScope, isUniqueViolation } from '../kernel/transaction.js';
import { hashPassword } from '../modules/identity/password.js';
import { User } from '../modules/identity/user.entity.js';

/** A refusal the CLI reports as its message alone, with its own exit code (2: bad input, 1: refused). */
export class CliRefusal extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export interface AdminInput {
  email: string;
  name: string;
  password: string;
}

const USAGE = 'usage: create-admin --email <e-mail> --name <name>  (password from ADMIN_PASSWORD or the first line of stdin)';

/** `--email e --name n` from the arguments after the command; the password is never one of them (it would show in `ps`). */
export function adminArguments(args: readonly string[]): { email: string; name: string } {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (flag === '--password') throw new CliRefusal('Give the password in ADMIN_PASSWORD or on stdin, never as an argument.', 2);
    if ((flag !== '--email' && flag !== '--name') || value === undefined) throw new CliRefusal(USAGE, 2);
    values[flag.slice(2)] = value;
  }
  if (values.email === undefined || values.name === undefined) throw new CliRefusal(USAGE, 2);
  return { email: values.email, name: values.name };
}

/** ADMIN_PASSWORD, or else the first line of stdin (piped, or typed after a prompt on a terminal). */
export async function adminPassword(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream): Promise<string> {
  if (env.ADMIN_PASSWORD) return env.ADMIN_PASSWORD;
  if (stdin.isTTY) process.stderr.write('Password for the administrator: ');
  const lines = readline.createInterface({ input: stdin, terminal: false });
  const line = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
  });
  lines.close();
  return line;
}

/** The same rules as createUser (UserInput and checkUser): an e-mail address, a name, the password rules. */
export function checkAdmin(input: AdminInput): void {
  if (!isEmail(input.email) || input.email.length > 200) throw new CliRefusal(`Not an e-mail address: ${input.email}`, 2);
  if (!input.name.trim() || input.name.length > 100) throw new CliRefusal('Give the administrator a name (at most 100 characters).', 2);
  if (!input.password) throw new CliRefusal('Give a password in ADMIN_PASSWORD or on stdin.', 2);
  const problem = passwordProblem(input.password);
  if (problem) throw new CliRefusal(`Password refused: ${problem}`, 2);
}

/**
 * Creates an administrator from the command line: how a new installation gets its first user
 * (one who then creates the others in the application). Hashed and audited as createUser does,
 * with the system as the actor; an existing e-mail is refused and nothing changes, so running it
 * twice is harmless. The event log row is written with no subscribers: no partner, webhook or
 * live board exists before the first administrator does.
 */
export async function createAdmin(em: EntityManager, logger: Logger, input: AdminInput): Promise<User> {
  checkAdmin(input);
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const refused = () => new CliRefusal(`A user with the e-mail ${email} exists already; nothing changed.`, 1);
  try {
    return await inScope(em.fork(), logger, async (scope) => {
      if ((await scope.em.count(User, { email })) > 0) throw refused();
      const user = scope.em.create(User, { email, name: input.name.trim(), role: 'ADMIN', passwordHash, department: null });
      await new DomainEvents([]).record(
        scope,
        { kind: 'system' },
        'user.created',
        { email, role: 'ADMIN', department: null },
        { entity: { type: 'User', id: user.id } },
      );
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'app_user_email_unique')) throw refused();
    throw error;
  }
}
