import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { guardedLookup, isAllowedHost, isForbiddenAddress, SsrfRefusal } from './ssrf-guard.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** What the delivery log keeps of a receiver's answer. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** What is read of an answer at most (the rest is dropped unread). */
const RESPONSE_READ_BYTES = 64 * 1024;
/**
 * Connections are kept open between deliveries (B7: a new TCP connection per delivery cost more
 * than the delivery itself). The SSRF guard runs where a connection is made (the agent passes the
 * request's `lookup` to net.connect), so every socket in the pool was checked when it opened;
 * an idle socket is closed after 4 s, before the 5 s keep-alive most servers (Node's default)
 * allow, so we rarely write to a socket the receiver is closing.
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 16, maxFreeSockets: 16, timeout: 4_000, scheduling: 'lifo' } as const;
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type WebhookResponse =
  { kind: 'response'; status: number; body: string; latencyMs: number } | { kind: 'error'; error: string; latencyMs: number };

/**
 * One POST, the whole exchange bounded by a 10 s timeout; redirects are not followed (a 3xx is
 * an answer like any other, so a receiver cannot bounce us to an internal address); the socket
 * connects only to addresses the SSRF guard accepted, unless the host is allow-listed.
 */
export async function postWebhook(request: WebhookRequest, allowedHosts: readonly string[]): Promise<WebhookResponse> {
  const first = await postOnce(request, allowedHosts);
  // A kept-alive socket the receiver closed just as we wrote to it: the request most likely
  // never arrived; once more on a fresh connection (at worst a duplicate of the same webhook-id).
  return first.kind === 'error' && first.staleSocket ? postOnce(request, allowedHosts) : first;
}

async function postOnce(request: WebhookRequest, allowedHosts: readonly string[]): Promise<WebhookResponse & { staleSocket?: boolean }> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { kind: 'error', error: 'The URL is not valid.', latencyMs: 0 };
  }
  const allowed = isAllowedHost(url, allowedHosts);
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  // An IP literal is connected to without any lookup, so it is checked here.
  if (!allowed && net.isIP(literal) && isForbiddenAddress(literal)) {
    return { kind: 'error', error: `Refused to connect to ${literal}: not a public address.`, latencyMs: 0 };
  }
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
  const agent = url.protocol === 'https:' ? httpsAgent : httpAgent;
  if (!client) return { kind: 'error', error: `Unsupported protocol ${url.protocol}`, latencyMs: 0 };
  const signal = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  return new Promise<WebhookResponse & { staleSocket?: boolean }>((resolve) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'order-termination-webhooks/1', ...request.headers },
        signal,
        agent,
        ...(allowed ? {} : { lookup: guardedLookup as never }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          if (read >= RESPONSE_READ_BYTES) return;
          chunks.push(chunk);
          read += chunk.length;
          if (read >= RESPONSE_READ_BYTES) res.destroy();
        });
        // An answer cut by the timeout is no answer: the receiver may not have finished its work.
        const done = () =>
          resolve(
            signal.aborted && read < RESPONSE_READ_BYTES
              ? { kind: 'error', error: `No complete answer within ${WEBHOOK_TIMEOUT_MS / 1000} s.`, latencyMs: latency() }
              : { kind: 'response', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), latencyMs: latency() },
          );
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('error', (error) => {
      const message =
        error instanceof SsrfRefusal || (error as { cause?: unknown }).cause instanceof SsrfRefusal
          ? error.message
          : signal.aborted
            ? `No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s.`
            : `${(error as NodeJS.ErrnoException).code ?? 'ERROR'}: ${error.message}`;
      const code = (error as NodeJS.ErrnoException).code;
      const staleSocket = req.reusedSocket && !signal.aborted && (code === 'ECONNRESET' || code === 'EPIPE');
      resolve({ kind: 'error', error: message.slice(0, 300), latencyMs: latency(), ...(staleSocket ? { staleSocket } : {}) });
    });
    req.end(request.body);
  });
}

/** The first KB of an answer, cut on a character boundary. */
export function excerpt(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= RESPONSE_EXCERPT_BYTES) return text;
  return bytes
    .subarray(0, RESPONSE_EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
