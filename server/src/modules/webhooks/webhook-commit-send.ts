import type { RequestContext } from '../../kernel/context.js';
import type { Logger } from '../../kernel/logger.js';
import { inSpan } from '../../kernel/tracing.js';
import { CLAIM_LIMIT, type WebhookSender } from './webhook-send.js';

/** Batches sending at once; more committed events wait in memory for the next free one. */
const BATCHES_IN_FLIGHT = 4;
/** Events waiting beyond this are not taken: the fallback job sends them (memory stays bounded). */
const MOST_WAITING = 5_000;

/**
 * The fast path of first attempts (issue #15, B7: waiting for a worker's sender job was most of
 * the lag). Once a transaction that inserted deliveries commits, this process hands the events'
 * ids here and sends at once: it claims their deliveries with the job's own claim (webhook-send.ts),
 * so a delivery goes out once whichever side claims it first, and sends them through the batch
 * deliverer (signing, per-endpoint lanes over kept-alive connections, retries on the schedule,
 * 410 and 5-day disabling, metrics). Events committed while every batch is busy wait and go
 * together in the next one.
 *
 * Durability stays with the jobs: the transaction also queued a sender job due a little later,
 * which claims whatever is still unclaimed (this process crashed after the commit, or was too
 * busy) or whose claim lapsed (it crashed mid-send).
 */
export class WebhookCommitSender {
  private readonly waiting = new Set<string>();
  private inFlight = 0;
  private stopped = false;
  private idle: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(
    private readonly sender: WebhookSender,
    private readonly context: () => RequestContext,
    private readonly logger: Logger,
  ) {}

  /** Called after the commit of a transaction that inserted deliveries of these events. */
  handOff(eventIds: readonly string[]): void {
    if (this.stopped) return;
    for (const id of eventIds) {
      if (this.waiting.size >= MOST_WAITING) break;
      this.waiting.add(id);
    }
    this.pump();
  }

  /** Resolves once nothing is waiting or being sent (tests; a clean shutdown). */
  settled(): Promise<void> {
    if (!this.inFlight && !this.waiting.size) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  /** Takes no more events and waits for the batches under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.clear();
    await this.settled();
  }

  private pump(): void {
    while (this.inFlight < BATCHES_IN_FLIGHT && this.waiting.size) {
      const batch = [...this.waiting].slice(0, CLAIM_LIMIT);
      for (const id of batch) this.waiting.delete(id);
      this.inFlight++;
      // A span of its own (under the committing request's, when traced): its claim, SQL and HTTP.
      void inSpan('webhooks send on commit', { 'webhooks.events': batch.length }, () => this.sender.sendEvents(this.context(), batch))
        // A failure here (database away) leaves the rows unsent or leased: the jobs send them.
        .catch((err: unknown) => this.logger.warn({ err }, 'webhooks sent on commit failed; the sender job takes over'))
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (!this.inFlight && !this.waiting.size && this.idle) {
            this.idle.resolve();
            this.idle = null;
          }
        });
    }
  }
}
