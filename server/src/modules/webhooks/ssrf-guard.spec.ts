import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedHost, isForbiddenAddress } from './ssrf-guard.js';
import { excerpt, postWebhook } from './webhook-http.js';

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:10.0.0.1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('isAllowedHost', () => {
  it('matches host:port entries exactly and bare hosts on every port', () => {
    const allowed = ['127.0.0.1:4000', 'localhost', '[::1]:8080'];
    expect(isAllowedHost(new URL('http://127.0.0.1:4000/x'), allowed)).toBe(true);
    expect(isAllowedHost(new URL('http://127.0.0.1:4001/x'), allowed)).toBe(false);
    expect(isAllowedHost(new URL('http://LOCALHOST:1234/x'), allowed)).toBe(true);
    expect(isAllowedHost(new URL('http://[::1]:8080/x'), allowed)).toBe(true);
    expect(isAllowedHost(new URL('http://[::1]/x'), allowed)).toBe(false);
    expect(isAllowedHost(new URL('http://127.0.0.1:4000/x'), [])).toBe(false);
  });
});

describe('postWebhook', () => {
  let server: http.Server;
  let port = 0;
  const hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
      } else if (req.url === '/big') {
        res.writeHead(200).end('é'.repeat(5000));
      } else {
        res.writeHead(200).end('ok');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (url: string) => ({ url, headers: {}, body: '{}' });

  it('refuses loopback without the allow-list: IP literals and names that resolve to it, before sending anything', async () => {
    hits.length = 0;
    for (const url of [`http://127.0.0.1:${port}/a`, `http://localhost:${port}/a`, `http://[::ffff:127.0.0.1]:${port}/a`]) {
      const outcome = await postWebhook(request(url), []);
      expect(outcome, url).toMatchObject({ kind: 'error' });
      expect((outcome as { error: string }).error).toMatch(/Refused to connect/);
    }
    expect(hits).toEqual([]);
  });

  it('sends to an allow-listed host, and does not follow redirects', async () => {
    hits.length = 0;
    const ok = await postWebhook(request(`http://localhost:${port}/a`), [`localhost:${port}`]);
    expect(ok).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
    const redirected = await postWebhook(request(`http://127.0.0.1:${port}/redirect`), [`127.0.0.1:${port}`]);
    expect(redirected).toMatchObject({ kind: 'response', status: 302 });
    expect(hits).toEqual(['/a', '/redirect']);
  });

  it('keeps at most 1 KB of an answer, cut on a character boundary', async () => {
    const big = await postWebhook(request(`http://127.0.0.1:${port}/big`), [`127.0.0.1:${port}`]);
    const kept = excerpt((big as { body: string }).body);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(1024);
    expect(kept).toMatch(/^é+$/);
  });

  it('reports a closed port as an error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await postWebhook(request(`http://127.0.0.1:${closedPort}/`), [`127.0.0.1:${closedPort}`]);
    expect(outcome).toMatchObject({ kind: 'error', error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
