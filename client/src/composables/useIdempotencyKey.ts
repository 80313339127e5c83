/** A random UUID; `crypto.randomUUID` exists only in secure contexts (https, localhost), so there is a fallback. */
export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One idempotency key per visit of a page (or per dialog opening): a double click or a retry after
 * a lost response sends the same key, and the server answers with the first result instead of
 * acting twice. `renew` starts a new intent (e.g. the dialog is opened again for another record).
 */
export function useIdempotencyKey() {
  let key = randomKey();
  return {
    get: () => key,
    renew: () => {
      key = randomKey();
      return key;
    },
  };
}
