import { createHmac } from 'node:crypto';
import type { ImHttpRequest, ImMessage } from './im-message.js';

/**
 * DingTalk (钉钉) custom robot: a POST to the robot's URL as pasted
 * (`https://oapi.dingtalk.com/robot/send?access_token=…`). With 加签 (the secret starts with SEC),
 * `timestamp` (milliseconds) and `sign` are added to the query: sign = urlEncode(base64(
 * HmacSHA256(key = secret, message = timestamp + "\n" + secret))); the robot refuses a timestamp
 * more than an hour away. The message is an actionCard: markdown text and one button to the page.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function dingtalkRequest(endpointUrl: string, secret: string | null, message: ImMessage, now: Date): ImHttpRequest {
  const url = new URL(endpointUrl);
  if (secret) {
    const timestamp = now.getTime();
    // URLSearchParams form-encodes the base64 ('+' → %2B, '/' → %2F, '=' → %3D): the urlEncode the robot expects.
    url.searchParams.set('timestamp', String(timestamp));
    url.searchParams.set('sign', dingtalkSign(secret, timestamp));
  }
  return {
    url: url.toString(),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      msgtype: 'actionCard',
      actionCard: {
        title: message.title,
        text: [`### ${message.title}`, ...message.lines].join('\n\n'),
        singleTitle: message.linkLabel,
        singleURL: message.link,
      },
    }),
  };
}
