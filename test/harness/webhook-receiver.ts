import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The parsed payload, when the signature verified with the receiver's secret. */
  payload: Record<string, unknown> | null;
  verified: boolean;
  status: number;
}

/** How the receiver answers a request: a status, or 'stall' (never answers). */
export type Answer = number | 'stall';

/**
 * An in-process HTTP receiver, as a partner runs one: verifies every request's Standard
 * Webhooks signature with `standardwebhooks`'s Webhook.verify and records it.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secret: string | null = null;
  answer: (req: ReceivedWebhook) => Answer = () => 200;
  private server: http.Server | null = null;
  private readonly stalled = new Set<http.ServerResponse>();
  port = 0;

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.listen(port);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = this.port): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let payload: Record<string, unknown> | null = null;
        let verified = false;
        if (this.secret) {
          try {
            payload = new Webhook(this.secret).verify(body, headers) as Record<string, unknown>;
            verified = true;
          } catch {
            verified = false;
          }
        }
        const entry: ReceivedWebhook = { path: req.url ?? '', headers, body, payload, verified, status: 0 };
        const answer = this.answer(entry);
        this.received.push(entry);
        if (answer === 'stall') {
          this.stalled.add(res);
          return;
        }
        entry.status = answer;
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'thanks' : `no (${answer})`);
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening (the port refuses connections) until listen() again. */
  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.stalled.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `count` requests arrived (or fails after `ms`). */
  async waitFor(count: number, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${this.received.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
