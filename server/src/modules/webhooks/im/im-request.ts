import { IM_EVENT_TYPES as SHARED_IM_EVENT_TYPES } from '@ot/shared';
import type { DomainEventType } from '../../../kernel/domain-events.js';
import { dingtalkRequest } from './dingtalk.js';
import { feishuRequest } from './feishu.js';
import { imMessage, imTestMessage, type ImEvent, type ImHttpRequest, type ImMessage } from './im-message.js';
import { wecomRequest } from './wecom.js';

/**
 * IM channels: endpoint kinds whose URL is a group robot of WeCom, DingTalk or Feishu. The
 * delivery job (webhooks module) asks here for the request a robot expects, sends it with its own
 * timeout and SSRF guard, and asks `imAccepted` whether the robot took it. Everything here is pure.
 */
export type ImKind = 'WECOM' | 'DINGTALK' | 'FEISHU';

/** What IM channels announce (@ot/shared's list, which COMPOSERS covers): each is a domain event type. */
export const IM_EVENT_TYPES: readonly DomainEventType[] = SHARED_IM_EVENT_TYPES;

export function isImKind(kind: string): kind is ImKind {
  return kind === 'WECOM' || kind === 'DINGTALK' || kind === 'FEISHU';
}

function render(kind: ImKind, endpointUrl: string, secret: string | null, message: ImMessage, now: Date): ImHttpRequest {
  switch (kind) {
    case 'WECOM':
      return wecomRequest(endpointUrl, message);
    case 'DINGTALK':
      return dingtalkRequest(endpointUrl, secret, message, now);
    case 'FEISHU':
      return feishuRequest(endpointUrl, secret, message, now);
  }
}

/**
 * The HTTP request a group robot expects for this event, or null when IM channels do not announce
 * its type. endpointUrl: the robot's webhook URL as pasted; secret: the robot's signing secret
 * (DingTalk's SEC…, Feishu's), null when the robot is not set up to check signatures. Signatures
 * are made at `now` (both vendors refuse one more than an hour old): build the request per attempt.
 * `event`: the event feed's FeedEvent (only the fields a message needs are required).
 */
export function imRequest(
  kind: ImKind,
  endpointUrl: string,
  secret: string | null,
  event: ImEvent,
  links: { appUrl: string },
  now: Date,
): ImHttpRequest | null {
  const message = imMessage(event, links.appUrl);
  return message ? render(kind, endpointUrl, secret, message, now) : null;
}

/** The request of an endpoint's "send test": a short message saying the robot is connected. */
export function imTestRequest(
  kind: ImKind,
  endpointUrl: string,
  secret: string | null,
  links: { appUrl: string },
  now: Date,
): ImHttpRequest {
  return render(kind, endpointUrl, secret, imTestMessage(links.appUrl, now), now);
}

/**
 * Whether a robot's reply says it accepted the message. Each vendor answers HTTP 200 with an
 * error code inside: WeCom and DingTalk `{"errcode":0,"errmsg":"ok"}`, Feishu `{"code":0,…}`
 * (older robots answer `{"StatusCode":0,…}` only). `error` is short and fit for a delivery log.
 */
export function imAccepted(kind: ImKind, status: number, body: string): { ok: boolean; error?: string } {
  let reply: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) reply = parsed as Record<string, unknown>;
  } catch {
    reply = null;
  }
  if (status < 200 || status >= 300) {
    const detail = reply ? vendorError(kind, reply) : null;
    return { ok: false, error: clip(`HTTP ${status}${detail ? ` (${detail})` : ''}`) };
  }
  if (!reply) return { ok: false, error: 'The robot did not answer with a JSON object.' };
  if (kind === 'FEISHU') {
    const code = 'code' in reply ? reply.code : reply.StatusCode;
    if (code === 0) return { ok: true };
    return { ok: false, error: clip(vendorError(kind, reply) ?? 'The robot answered without a code.') };
  }
  if (reply.errcode === 0) return { ok: true };
  return { ok: false, error: clip(vendorError(kind, reply) ?? 'The robot answered without an errcode.') };
}

function vendorError(kind: ImKind, reply: Record<string, unknown>): string | null {
  if (kind === 'FEISHU') {
    const code = reply.code ?? reply.StatusCode;
    const msg = reply.msg ?? reply.StatusMessage;
    return code === undefined ? null : `code ${String(code)}${msg ? `: ${String(msg)}` : ''}`;
  }
  return reply.errcode === undefined ? null : `errcode ${String(reply.errcode)}${reply.errmsg ? `: ${String(reply.errmsg)}` : ''}`;
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
