/**
 * Credentials verified lately, kept for a few seconds so that a client's every request does not
 * read them again. Whoever ends credentials must `forget` them (on every instance, via the
 * credentials-ended event); the time limit bounds what an instance that missed it may accept.
 */
export class RecentlyVerified<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly limit = 1_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at < this.ttlMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    // The oldest go first when full.
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, at: Date.now() });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  forgetWhere(match: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (match(entry.value)) this.entries.delete(key);
  }
}
