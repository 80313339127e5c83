/**
 * STUB with the contract's signatures (EVENTS-CONTRACT.md): the real file comes from branch
 * `imchannels`; this one only lets the webhooks module compile until that branch is merged.
 */
import type { DomainEventType } from '../../../kernel/domain-events.js';
import type { FeedEvent } from '../../events/event-feed.js';

export type ImKind = 'WECOM' | 'DINGTALK' | 'FEISHU';

export function imRequest(
  kind: ImKind,
  endpointUrl: string,
  secret: string | null,
  event: FeedEvent,
  links: { appUrl: string },
  now: Date,
): { url: string; headers: Record<string, string>; body: string } | null {
  void [kind, endpointUrl, secret, event, links, now];
  throw new Error('IM channels are not merged yet (branch imchannels).');
}

export const IM_EVENT_TYPES: readonly DomainEventType[] = [];

export function imAccepted(kind: ImKind, status: number, body: string): { ok: boolean; error?: string } {
  void [kind, status, body];
  throw new Error('IM channels are not merged yet (branch imchannels).');
}
