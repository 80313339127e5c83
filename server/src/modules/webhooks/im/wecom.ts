import type { ImHttpRequest, ImMessage } from './im-message.js';

/**
 * WeCom (企业微信) group robot: a POST of `{"msgtype":"markdown","markdown":{"content":…}}` to the
 * robot's URL as pasted (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`); the key in the
 * URL is the only credential (no signing). Content is at most 4096 bytes of UTF-8.
 */
export const WECOM_MAX_CONTENT_BYTES = 4096;

/** WeCom's markdown knows three font colours: info (green), comment (grey), warning (orange-red). */
const FONT: Record<ImMessage['tone'], string | null> = { info: null, success: 'info', warning: 'warning', danger: 'warning' };

export function wecomRequest(endpointUrl: string, message: ImMessage): ImHttpRequest {
  const color = FONT[message.tone];
  const title = color ? `<font color="${color}">${message.title}</font>` : message.title;
  const link = `\n[${message.linkLabel}](${message.link})`;
  const text = fitBytes([`### ${title}`, ...message.lines].join('\n'), WECOM_MAX_CONTENT_BYTES - Buffer.byteLength(link, 'utf8'));
  return {
    url: endpointUrl,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { content: text + link } }),
  };
}

/** Cut to a byte budget on a character boundary, marked with an ellipsis (the robot refuses longer content). */
export function fitBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  const budget = max - Buffer.byteLength('…', 'utf8');
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > budget) break;
    out += ch;
    used += size;
  }
  return `${out}…`;
}
