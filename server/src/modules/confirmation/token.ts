import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../common/hash.js';

/** 256 random bits; only the SHA-256 is stored, so a database leak reveals no usable link. */
export function newConfirmationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
