import { createHmac } from 'node:crypto';
import type { ImHttpRequest, ImMessage } from './im-message.js';

/**
 * Feishu (飞书) custom robot: a POST of JSON to the robot's URL as pasted
 * (`https://open.feishu.cn/open-apis/bot/v2/hook/…`). With 签名校验 the body carries `timestamp`
 * (seconds, a string) and `sign` = base64(HmacSHA256(key = timestamp + "\n" + secret, message = ""))
 * — the string to sign is the key and the message is empty, unlike DingTalk. The robot refuses a
 * timestamp more than an hour away. The message is an interactive card with a button to the page.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** Card header colours (Feishu's `template` names). */
const TEMPLATE: Record<ImMessage['tone'], string> = { info: 'blue', success: 'green', warning: 'orange', danger: 'red' };

export function feishuRequest(endpointUrl: string, secret: string | null, message: ImMessage, now: Date): ImHttpRequest {
  const signature = secret ? signed(secret, now) : {};
  return {
    url: endpointUrl,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...signature,
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: { title: { tag: 'plain_text', content: message.title }, template: TEMPLATE[message.tone] },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content: message.lines.join('\n') } },
          {
            tag: 'action',
            actions: [{ tag: 'button', text: { tag: 'plain_text', content: message.linkLabel }, type: 'primary', url: message.link }],
          },
        ],
      },
    }),
  };
}

function signed(secret: string, now: Date): { timestamp: string; sign: string } {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { timestamp: String(timestamp), sign: feishuSign(secret, timestamp) };
}
