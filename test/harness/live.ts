import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  events: T[];
  errors: unknown[];
  /** Resolves with the next event that matches, or rejects after `timeoutMs`. */
  next(match?: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

export interface LiveClient {
  client: Client;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<Subscription<T>>;
  /** Resolves with the close code once the server closes the socket. */
  closed: Promise<number>;
  dispose(): Promise<void>;
}

function roundTrip(client: Client): Promise<void> {
  return new Promise((resolve) => {
    client.subscribe({ query: '{ __typename }' }, { next: () => undefined, error: () => resolve(), complete: () => resolve() });
  });
}

/** A graphql-ws client like partner systems and the SPA use. */
export function liveClient(httpUrl: string, authorization?: string): LiveClient {
  let resolveClosed: (code: number) => void;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (event) => resolveClosed((event as { code: number }).code) },
  });
  return {
    client,
    closed,
    dispose: () => client.dispose() as Promise<void>,
    async subscribe<T>(query: string, variables: Record<string, unknown> = {}) {
      const events: T[] = [];
      const errors: unknown[] = [];
      const waiters: { match: (e: T) => boolean; resolve: (e: T) => void }[] = [];
      let acknowledged: () => void;
      const ready = new Promise<void>((r) => (acknowledged = r));
      const stop = client.subscribe<Record<string, T>>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) errors.push(...result.errors);
            const value = result.data ? (Object.values(result.data)[0] as T) : undefined;
            if (!value) return;
            events.push(value);
            for (const w of [...waiters]) {
              if (w.match(value)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve(value);
              }
            }
          },
          error: (error) => {
            errors.push(error);
            acknowledged();
          },
          complete: () => acknowledged(),
        },
      );
      // graphql-ws has no "subscribed" ack; a query answered on the same socket comes after the
      // server has set the subscription up (it handles one socket's messages in order).
      await Promise.race([ready, roundTrip(client)]);
      return {
        events,
        errors,
        close: stop,
        next: (match = () => true, timeoutMs = 5000) => {
          const found = events.find(match);
          if (found) return Promise.resolve(found);
          return new Promise<T>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms`)), timeoutMs);
            waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
          });
        },
      };
    },
  };
}

export interface WsResult {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs a query or mutation over the graphql-ws socket, as any client of it can. */
export function wsExecute(live: LiveClient, query: string, variables: Record<string, unknown> = {}): Promise<WsResult> {
  return new Promise((resolve) => {
    let result: WsResult = {};
    live.client.subscribe(
      { query, variables },
      {
        next: (value) => (result = value as WsResult),
        error: (error) => resolve({ errors: (Array.isArray(error) ? error : [{ message: String(error) }]) as WsResult['errors'] }),
        complete: () => resolve(result),
      },
    );
  });
}
