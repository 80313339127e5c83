import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets the server must use again later (webhook signing secrets, IM robot secrets) are kept
 * encrypted with AES-256-GCM under SECRETS_KEY, never in clear: a leaked backup or a read-only
 * SQL session does not leak them. Sealed text is `v1.<iv>.<ciphertext+tag>` (base64url); the
 * purpose is bound as additional data, so a sealed value cannot be moved to another column.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES) throw new ConfigError(`SECRETS_KEY must be ${KEY_BYTES} bytes (base64 or hex), got ${key.length}.`);
    return new SecretBox(key);
  }

  seal(plain: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Throws when the text was not sealed with this key and purpose (tampered, or another key). */
  open(sealed: string, purpose: string): string {
    const [version, iv, body] = sealed.split('.');
    if (version !== VERSION || !iv || !body) throw new Error('Not a sealed secret.');
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

/** A SECRETS_KEY value: 32 bytes as base64 (44 characters) or hex (64 characters). */
export function parseSecretsKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(`SECRETS_KEY must be ${KEY_BYTES} random bytes as base64 or hex (e.g. \`openssl rand -base64 32\`).`);
  }
  return key;
}

/**
 * The key: SECRETS_KEY, required in production (losing it makes every stored webhook secret
 * unusable, so it must be set and backed up on purpose, and be the same on every instance). In
 * development and tests without it, a random key is made once and kept in the data directory.
 */
/** Start-up check (before anything else opens): refuses production without a valid SECRETS_KEY. */
export function assertSecretsConfigured(config: { production: boolean; secretsKey: string | undefined }): void {
  if (config.secretsKey) parseSecretsKey(config.secretsKey);
  else if (config.production) loadSecretBox({ ...config, dataDir: '' });
}

export function loadSecretBox(config: { production: boolean; secretsKey: string | undefined; dataDir: string }): SecretBox {
  if (config.secretsKey) return SecretBox.fromKey(parseSecretsKey(config.secretsKey));
  if (config.production) {
    throw new ConfigError(
      'NODE_ENV=production needs SECRETS_KEY (32 random bytes as base64, e.g. `openssl rand -base64 32`): it encrypts the webhook ' +
        'signing secrets kept in the database. Use the same value on every instance and keep it with your backups.',
    );
  }
  const file = path.join(config.dataDir, 'secrets.key');
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written aside, then linked into place: two processes starting at once never read a half-
    // written key, and the second keeps the first one's key (link fails when the name exists).
    const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(aside, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600 });
    try {
      fs.linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.unlinkSync(aside);
    }
  }
  return SecretBox.fromKey(parseSecretsKey(fs.readFileSync(file, 'utf8')));
}
