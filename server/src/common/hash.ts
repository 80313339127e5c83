import { createHash } from 'node:crypto';

/** The SHA-256 of UTF-8 text, as 64 hex digits: how secrets (tokens, keys) and request fingerprints are stored. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
