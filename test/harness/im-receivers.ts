import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the group robots of WeCom, DingTalk and Feishu. Each checks a request the
 * way its vendor documents it — path and key of the pasted URL, message format, and the signature
 * re-derived here from the documented algorithm (not from the server's code) — and answers like
 * the vendor: HTTP 200 with `errcode`/`code` 0 when accepted, another code when refused.
 *
 *   WeCom     POST /cgi-bin/webhook/send?key=…            no signing; markdown ≤ 4096 bytes, text ≤ 2048
 *   DingTalk  POST /robot/send?access_token=…&timestamp=…&sign=…
 *             sign = urlEncode(base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret))), ms
 *   Feishu    POST /open-apis/bot/v2/hook/<id>   body { timestamp, sign, msg_type, … }
 *             sign = base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")), seconds
 *
 * Both signing vendors refuse a timestamp more than an hour from their clock.
 */
export type ImVendor = 'WECOM' | 'DINGTALK' | 'FEISHU';

/** A message a robot accepted, with what a reader of the group would see. */
export interface ImDelivery {
  kind: ImVendor;
  at: Date;
  /** Path and query as received. */
  url: string;
  body: Record<string, unknown>;
  /** The message's title (DingTalk's title, the card header, WeCom's first line without markup). */
  title: string;
  /** All the message's text (markdown as sent). */
  text: string;
  /** The link the message offers (button, or first markdown link). */
  link: string | null;
}

export interface ImRefusal {
  kind: ImVendor;
  at: Date;
  /** Why, in the receiver's words: 'key', 'signature', 'timestamp', 'format', 'method'. */
  reason: string;
  reply: Record<string, unknown>;
}

export interface ImReceiver {
  kind: ImVendor;
  /** The robot URL an admin would paste as the endpoint URL. */
  url: string;
  /** The robot's signing secret (DingTalk SEC…, Feishu), null when it checks none. */
  secret: string | null;
  received: ImDelivery[];
  refused: ImRefusal[];
  /** While down, every request gets HTTP 503 (a robot out of reach). */
  setDown(down: boolean): void;
  /** Resolves once `count` messages were accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<ImDelivery[]>;
  close(): Promise<void>;
}

export interface ImReceiverOptions {
  /** The signing secret; a fresh one by default for DingTalk and Feishu; null: the robot checks no signature. */
  secret?: string | null;
  /** The robot's clock (to test stale timestamps). */
  now?: () => Date;
}

const HOUR_MS = 3_600_000;
const FEISHU_MAX_BODY = 20 * 1024;

type Verdict =
  { ok: true; title: string; text: string; link: string | null } | { ok: false; reason: string; reply: Record<string, unknown> };

export async function startImReceiver(kind: ImVendor, options: ImReceiverOptions = {}): Promise<ImReceiver> {
  const token = randomBytes(12).toString('hex');
  const secret =
    options.secret !== undefined
      ? options.secret
      : kind === 'DINGTALK'
        ? `SEC${randomBytes(32).toString('hex')}`
        : kind === 'FEISHU'
          ? randomBytes(16).toString('base64url')
          : null;
  const now = options.now ?? (() => new Date());
  const received: ImDelivery[] = [];
  const refused: ImRefusal[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let down = false;

  const check: Record<ImVendor, (url: URL, raw: string) => Verdict> = {
    WECOM: (url, raw) => checkWecom(url, raw, token),
    DINGTALK: (url, raw) => checkDingtalk(url, raw, token, secret, now()),
    FEISHU: (url, raw) => checkFeishu(url, raw, token, secret, now()),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) {
        res.writeHead(503).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://robot.local');
      let verdict: Verdict;
      if (req.method !== 'POST') verdict = { ok: false, reason: 'method', reply: vendorError(kind, 'method', 'POST only') };
      else if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
        verdict = { ok: false, reason: 'format', reply: vendorError(kind, 'format', 'content-type must be application/json') };
      else verdict = check[kind](url, raw);
      const at = new Date();
      if (verdict.ok) {
        received.push({ kind, at, url: req.url ?? '', body: JSON.parse(raw) as Record<string, unknown>, ...pick(verdict) });
        for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(vendorOk(kind)));
      } else {
        refused.push({ kind, at, reason: verdict.reason, reply: verdict.reply });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verdict.reply));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const url =
    kind === 'WECOM'
      ? `${base}/cgi-bin/webhook/send?key=${token}`
      : kind === 'DINGTALK'
        ? `${base}/robot/send?access_token=${token}`
        : `${base}/open-apis/bot/v2/hook/${token}`;

  return {
    kind,
    url,
    secret,
    received,
    refused,
    setDown: (value) => void (down = value),
    waitFor(count, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`${kind} robot: ${received.length} of ${count} messages after ${timeoutMs} ms (refused: ${refused.length})`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received.slice());
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pick(v: { title: string; text: string; link: string | null }) {
  return { title: v.title, text: v.text, link: v.link };
}

function vendorOk(kind: ImVendor): Record<string, unknown> {
  return kind === 'FEISHU'
    ? { code: 0, msg: 'success', data: {}, Extra: null, StatusCode: 0, StatusMessage: 'success' }
    : { errcode: 0, errmsg: 'ok' };
}

/** Refusals in each vendor's shape (codes as the vendors answer them; a sender only needs "not 0"). */
function vendorError(kind: ImVendor, reason: string, message: string): Record<string, unknown> {
  if (kind === 'FEISHU') {
    const code = reason === 'signature' || reason === 'timestamp' ? 19021 : reason === 'key' ? 19001 : 9499;
    return { code, msg: message, data: {} };
  }
  if (kind === 'DINGTALK') {
    const errcode = reason === 'signature' || reason === 'timestamp' ? 310000 : reason === 'key' ? 300001 : 40035;
    return { errcode, errmsg: message };
  }
  const errcode = reason === 'key' ? 93000 : reason === 'format' ? 40008 : 40058;
  return { errcode, errmsg: message };
}

function refuse(kind: ImVendor, reason: string, message: string): Verdict {
  return { ok: false, reason, reply: vendorError(kind, reason, message) };
}

function parseObject(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const firstMarkdownLink = (text: string) => /\]\((\S+?)\)/.exec(text)?.[1] ?? null;

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkWecom(url: URL, raw: string, key: string): Verdict {
  if (url.pathname !== '/cgi-bin/webhook/send' || url.searchParams.get('key') !== key) return refuse('WECOM', 'key', 'invalid webhook url');
  const body = parseObject(raw);
  if (!body) return refuse('WECOM', 'format', 'invalid json');
  if (body.msgtype === 'markdown') {
    const content = obj(body.markdown)?.content;
    if (!str(content)) return refuse('WECOM', 'fields', 'markdown.content missing');
    if (Buffer.byteLength(content, 'utf8') > 4096) return refuse('WECOM', 'fields', 'markdown.content exceed max length 4096');
    const title = (content.split('\n')[0] ?? '').replace(/^#+\s*/, '').replace(/<[^>]*>/g, '');
    return { ok: true, title, text: content, link: firstMarkdownLink(content) };
  }
  if (body.msgtype === 'text') {
    const content = obj(body.text)?.content;
    if (!str(content)) return refuse('WECOM', 'fields', 'text.content missing');
    if (Buffer.byteLength(content, 'utf8') > 2048) return refuse('WECOM', 'fields', 'text.content exceed max length 2048');
    return { ok: true, title: content.split('\n')[0] ?? '', text: content, link: null };
  }
  return refuse('WECOM', 'format', 'invalid message type');
}

function checkDingtalk(url: URL, raw: string, token: string, secret: string | null, now: Date): Verdict {
  if (url.pathname !== '/robot/send' || url.searchParams.get('access_token') !== token)
    return refuse('DINGTALK', 'key', 'token is not exist');
  if (secret) {
    // URLSearchParams decodes the query as the robot does: an un-encoded '+' in the sign becomes a space and fails.
    const timestamp = url.searchParams.get('timestamp');
    const sign = url.searchParams.get('sign');
    if (!timestamp || !/^\d+$/.test(timestamp) || !sign)
      return refuse('DINGTALK', 'signature', 'sign not match: timestamp and sign required');
    if (Math.abs(now.getTime() - Number(timestamp)) > HOUR_MS)
      return refuse('DINGTALK', 'timestamp', 'timestamp is more than an hour away');
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    if (!sameSignature(sign, expected)) return refuse('DINGTALK', 'signature', 'sign not match');
  }
  const body = parseObject(raw);
  if (!body) return refuse('DINGTALK', 'format', 'invalid json');
  if (body.msgtype === 'markdown') {
    const md = obj(body.markdown);
    if (!str(md?.title) || !str(md.text)) return refuse('DINGTALK', 'fields', 'markdown.title and markdown.text required');
    return { ok: true, title: md.title, text: md.text, link: firstMarkdownLink(md.text) };
  }
  if (body.msgtype === 'actionCard') {
    const card = obj(body.actionCard);
    if (!str(card?.title) || !str(card.text)) return refuse('DINGTALK', 'fields', 'actionCard.title and actionCard.text required');
    const buttons = Array.isArray(card.btns) ? (card.btns as Record<string, unknown>[]) : [];
    const single = str(card.singleTitle) && str(card.singleURL);
    if (!single && !(buttons.length && buttons.every((b) => str(b.title) && str(b.actionURL))))
      return refuse('DINGTALK', 'fields', 'actionCard needs singleTitle and singleURL, or btns');
    return { ok: true, title: card.title, text: card.text, link: single ? (card.singleURL as string) : (buttons[0]!.actionURL as string) };
  }
  if (body.msgtype === 'text') {
    const content = obj(body.text)?.content;
    if (!str(content)) return refuse('DINGTALK', 'fields', 'text.content required');
    return { ok: true, title: content, text: content, link: null };
  }
  return refuse('DINGTALK', 'format', 'unsupported msgtype');
}

function checkFeishu(url: URL, raw: string, hookId: string, secret: string | null, now: Date): Verdict {
  if (url.pathname !== `/open-apis/bot/v2/hook/${hookId}`)
    return refuse('FEISHU', 'key', 'param invalid: incoming webhook access token invalid');
  if (Buffer.byteLength(raw, 'utf8') > FEISHU_MAX_BODY) return refuse('FEISHU', 'format', 'Bad Request: body over 20 KB');
  const body = parseObject(raw);
  if (!body) return refuse('FEISHU', 'format', 'Bad Request');
  if (secret) {
    const timestamp = typeof body.timestamp === 'number' ? String(body.timestamp) : body.timestamp;
    const stale = 'sign match fail or timestamp is not within one hour from current time';
    if (!str(timestamp) || !/^\d+$/.test(timestamp) || !str(body.sign)) return refuse('FEISHU', 'signature', stale);
    if (Math.abs(now.getTime() - Number(timestamp) * 1000) > HOUR_MS) return refuse('FEISHU', 'timestamp', stale);
    const expected = createHmac('sha256', `${timestamp}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
    if (!sameSignature(body.sign, expected)) return refuse('FEISHU', 'signature', stale);
  }
  if (body.msg_type === 'interactive') {
    const card = obj(body.card);
    const elements = card && Array.isArray(card.elements) ? (card.elements as Record<string, unknown>[]) : null;
    if (!card || !elements) return refuse('FEISHU', 'fields', 'Bad Request: card.elements required');
    const title = obj(obj(card.header)?.title)?.content;
    const texts = elements.map((e) => obj(e.text)?.content ?? e.content).filter(str);
    const buttons = elements.flatMap((e) => (Array.isArray(e.actions) ? (e.actions as Record<string, unknown>[]) : []));
    const link = buttons.map((b) => b.url).find(str) ?? null;
    return { ok: true, title: str(title) ? title : '', text: texts.join('\n'), link };
  }
  if (body.msg_type === 'text') {
    const text = obj(body.content)?.text;
    if (!str(text)) return refuse('FEISHU', 'fields', 'Bad Request: content.text required');
    return { ok: true, title: text, text, link: null };
  }
  if (body.msg_type === 'post') {
    const post = obj(obj(body.content)?.post);
    const lang = post && (obj(post.zh_cn) ?? obj(post.en_us));
    if (!lang) return refuse('FEISHU', 'fields', 'Bad Request: content.post.zh_cn required');
    const items = (Array.isArray(lang.content) ? (lang.content as unknown[]) : []).flat() as Record<string, unknown>[];
    return {
      ok: true,
      title: str(lang.title) ? lang.title : '',
      text: items
        .map((i) => i.text)
        .filter(str)
        .join(''),
      link: items.map((i) => i.href).find(str) ?? null,
    };
  }
  return refuse('FEISHU', 'format', 'Bad Request: unsupported msg_type');
}
