import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** Runs a PostgreSQL client tool, failing with its own words when it fails. */
function run(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${tool} is not installed (Debian: apt-get install postgresql-client)`) : error),
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} failed (${code}): ${stderr.trim()}`))));
  });
}

/** A consistent snapshot (pg_dump runs in one repeatable-read transaction), custom format. */
export async function backupDatabase(url: string, file: string): Promise<string> {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await run('pg_dump', ['--format=custom', '--no-owner', '--file', target, '--dbname', url]);
  return target;
}

/** Restores into an empty database only, so a restore never mixes with live data. */
export async function restoreDatabase(url: string, file: string): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`No backup file ${file}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from information_schema.tables where table_schema in ('public', 'graphile_worker')`,
    );
    if (rows[0].n > 0) throw new Error('The target database is not empty; restore into a new, empty database (set DATABASE_URL to it).');
  } finally {
    await client.end();
  }
  await run('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', '--dbname', url, path.resolve(file)]);
}

/** The folder that holds a backup's attachment files: beside the dump, named after it. */
export function attachmentsBackupDir(dumpFile: string): string {
  return `${path.resolve(dumpFile)}.attachments`;
}

/**
 * Copies the local attachment folder (STORAGE_DIR) beside the dump. Runs after pg_dump: files are
 * stored before their rows commit and never change, so every attachment the dump lists is copied.
 * Uploads still arriving (`.incoming`) are left out. With S3_URL the bucket is backed up by the
 * storage's own means (versioning, replication): README "Backup and restore".
 */
export async function backupAttachments(storageDir: string, dumpFile: string): Promise<string | null> {
  if (!fs.existsSync(storageDir)) return null;
  const target = attachmentsBackupDir(dumpFile);
  await fs.promises.cp(storageDir, target, {
    recursive: true,
    filter: (source) => path.basename(source) !== '.incoming',
  });
  return target;
}

/** Puts a backup's attachment files back into STORAGE_DIR (existing files are kept: keys never repeat). */
export async function restoreAttachments(storageDir: string, dumpFile: string): Promise<boolean> {
  const source = attachmentsBackupDir(dumpFile);
  if (!fs.existsSync(source)) return false;
  await fs.promises.cp(source, storageDir, { recursive: true, force: false });
  return true;
}
