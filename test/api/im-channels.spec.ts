import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { imAccepted, imRequest, imTestRequest, IM_EVENT_TYPES, type ImKind } from '../../server/src/modules/webhooks/im/im-request.js';
import type { ImEvent } from '../../server/src/modules/webhooks/im/im-message.js';
import { startImReceiver, type ImReceiver, type ImReceiverOptions } from '../harness/im-receivers.js';

/**
 * IM channels against local robots that check each vendor's documented format and signature on
 * their own (test/harness/im-receivers.ts re-derives the signatures; it shares no code with the
 * server). Requests go over real HTTP, the robot's reply is read with imAccepted, as the delivery
 * job does.
 */

const APP = { appUrl: 'http://spa.example.test' };
const KINDS: ImKind[] = ['WECOM', 'DINGTALK', 'FEISHU'];
const receivers: ImReceiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function robot(kind: ImKind, options?: ImReceiverOptions): Promise<ImReceiver> {
  const r = await startImReceiver(kind, options);
  receivers.push(r);
  return r;
}

async function send(request: { url: string; headers: Record<string, string>; body: string }, kind: ImKind) {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual' });
  return imAccepted(kind, response.status, await response.text());
}

function event(type: string, data: Record<string, unknown>): ImEvent {
  return { type, occurredAt: new Date(), actorType: 'USER', actorName: '张志强', terminationNumber: 'T-2026-00042', data };
}

const EVENTS: Record<string, ImEvent> = {
  'termination.submitted': event('termination.submitted', { order: 'SO-2026-00005', route: ['1:PURCHASING', '2:FINANCE'] }),
  'approval.stage_activated': event('approval.stage_activated', { stage: 2, departments: ['FINANCE'] }),
  'approval.approved': event('approval.approved', { stage: 1, department: 'PURCHASING', comment: '同意 *ok*' }),
  'approval.rejected': event('approval.rejected', { stage: 2, department: 'FINANCE', comment: null }),
  'approval.overdue': event('approval.overdue', { department: 'FINANCE', dueAt: new Date().toISOString() }),
  'followup.overdue': event('followup.overdue', { department: 'WAREHOUSE', kind: 'STOCK_CONFIRMATION' }),
  'termination.comment_added': event('termination.comment_added', {
    commentId: 'c1',
    version: 1,
    body: '@财务部 请确认退款 **急**',
    mentions: { users: [{ userId: 'u1', name: '陈静' }], departments: ['FINANCE'] },
    attachmentIds: [],
  }),
  'termination.effective': event('termination.effective', { from: 'PENDING_APPROVAL', to: 'EFFECTIVE', event: 'APPROVED_ALL' }),
};

describe('IM channels against robots that check the vendors’ formats and signatures', () => {
  it('every announced event is accepted by each vendor’s robot, signed where the robot has a secret', async () => {
    expect(Object.keys(EVENTS).sort()).toEqual([...IM_EVENT_TYPES].sort());
    for (const kind of KINDS) {
      const r = await robot(kind);
      for (const e of Object.values(EVENTS)) {
        const request = imRequest(kind, r.url, r.secret, e, APP, new Date())!;
        expect(await send(request, kind), `${kind} ${e.type}`).toEqual({ ok: true });
      }
      expect(r.refused).toEqual([]);
      const got = await r.waitFor(IM_EVENT_TYPES.length);
      for (const message of got) {
        expect(message.title, kind).toContain('T-2026-00042');
        expect(message.link, kind).toBe('http://spa.example.test/terminations/T-2026-00042');
      }
      expect(got[0]!.text, kind).toContain('采购部');
    }
  });

  it('a robot whose secret is not the one signed with refuses, and the refusal reads as a failure', async () => {
    for (const kind of ['DINGTALK', 'FEISHU'] as const) {
      const r = await robot(kind);
      const request = imRequest(kind, r.url, 'SECnot-the-robots-secret', EVENTS['approval.approved']!, APP, new Date())!;
      const verdict = await send(request, kind);
      expect(verdict.ok, kind).toBe(false);
      expect(verdict.error, kind).toMatch(kind === 'DINGTALK' ? /^errcode 310000: sign not match/ : /^code 19021: sign match fail/);
      expect(r.received).toEqual([]);
      expect(r.refused.map((x) => x.reason)).toEqual(['signature']);
    }
  });

  it('an unsigned request to a robot that checks signatures is refused', async () => {
    for (const kind of ['DINGTALK', 'FEISHU'] as const) {
      const r = await robot(kind);
      const verdict = await send(imRequest(kind, r.url, null, EVENTS['termination.effective']!, APP, new Date())!, kind);
      expect(verdict.ok, kind).toBe(false);
      expect(r.refused.map((x) => x.reason)).toEqual(['signature']);
    }
  });

  it('a signature made more than an hour before the robot’s clock is refused (the request is built per attempt)', async () => {
    for (const kind of ['DINGTALK', 'FEISHU'] as const) {
      const r = await robot(kind);
      const stale = new Date(Date.now() - 61 * 60_000);
      const verdict = await send(imRequest(kind, r.url, r.secret, EVENTS['approval.overdue']!, APP, stale)!, kind);
      expect(verdict.ok, kind).toBe(false);
      expect(r.refused.map((x) => x.reason)).toEqual(['timestamp']);
      // The same event signed now goes through.
      expect(await send(imRequest(kind, r.url, r.secret, EVENTS['approval.overdue']!, APP, new Date())!, kind)).toEqual({ ok: true });
    }
  });

  it('the robots tell the two signing algorithms apart: DingTalk’s HMAC key and message swapped, or Feishu’s used for DingTalk, are refused', async () => {
    const ding = await robot('DINGTALK');
    const ts = Date.now();
    const feishuStyle = createHmac('sha256', `${ts}\n${ding.secret}`).update('').digest('base64');
    const url = new URL(ding.url);
    url.searchParams.set('timestamp', String(ts));
    url.searchParams.set('sign', feishuStyle);
    const body = JSON.parse(imRequest('DINGTALK', ding.url, null, EVENTS['approval.approved']!, APP, new Date())!.body) as object;
    expect(
      await send({ url: url.toString(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 'DINGTALK'),
    ).toMatchObject({
      ok: false,
    });
    // The sign sent without url-encoding: base64's '+' arrives as a space.
    let raw = '';
    let t = ts;
    while (!raw.includes('+')) raw = createHmac('sha256', ding.secret!).update(`${++t}\n${ding.secret}`).digest('base64');
    const unencoded = `${ding.url}&timestamp=${t}&sign=${raw}`;
    expect(
      await send({ url: unencoded, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 'DINGTALK'),
    ).toMatchObject({
      ok: false,
    });
    expect(ding.refused.map((x) => x.reason)).toEqual(['signature', 'signature']);

    const fei = await robot('FEISHU');
    const seconds = Math.floor(Date.now() / 1000);
    const dingStyle = createHmac('sha256', fei.secret!).update(`${seconds}\n${fei.secret}`).digest('base64');
    const card = JSON.parse(imRequest('FEISHU', fei.url, null, EVENTS['approval.approved']!, APP, new Date())!.body) as object;
    const forged = { ...card, timestamp: String(seconds), sign: dingStyle };
    expect(
      await send({ url: fei.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) }, 'FEISHU'),
    ).toMatchObject({
      ok: false,
    });
    expect(fei.refused.map((x) => x.reason)).toEqual(['signature']);
  });

  it('a wrong key in the pasted URL is refused by every vendor', async () => {
    for (const kind of KINDS) {
      const r = await robot(kind);
      const wrong = r.url.replace(/(key=|access_token=|hook\/)[0-9a-f]+/, '$1deadbeef');
      const verdict = await send(imRequest(kind, wrong, r.secret, EVENTS['approval.rejected']!, APP, new Date())!, kind);
      expect(verdict.ok, kind).toBe(false);
      expect(r.refused.map((x) => x.reason)).toEqual(['key']);
    }
  });

  it('a robot out of reach is a failure to retry, and the send test message is accepted everywhere', async () => {
    for (const kind of KINDS) {
      const r = await robot(kind);
      r.setDown(true);
      expect(await send(imTestRequest(kind, r.url, r.secret, APP, new Date()), kind)).toEqual({ ok: false, error: 'HTTP 503' });
      r.setDown(false);
      expect(await send(imTestRequest(kind, r.url, r.secret, APP, new Date()), kind)).toEqual({ ok: true });
      const [message] = await r.waitFor(1);
      expect(message!.text).toContain('测试消息');
    }
  });
});
