import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, startServerIn, type ApiServer } from '../harness/production-server.js';
import { ensureClientBuilt } from './browser.js';

/** How the built SPA reaches browsers: precompressed, hashed files cached for good, no HTML for a missing script. */
describe.each(MODES)('front-end delivery (%s)', (mode) => {
  let server: ApiServer;
  let scripts: string[];
  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startServerIn(mode);
    const page = await (await fetch(`${server.url}/`)).text();
    scripts = [...page.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  }, 360_000);
  afterAll(async () => server?.close());

  it('sends the brotli copy to browsers that accept it, gzip to those that accept only gzip, plain otherwise', async () => {
    expect(scripts.length).toBeGreaterThan(0);
    const url = `${server.url}${scripts[0]}`;
    const plain = Buffer.from(await (await fetch(url, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());

    // fetch would decompress by itself; node:http shows the bytes as sent.
    const raw = (encoding: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    const br = await raw('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.body.length).toBeLessThan(plain.length);
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);

    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);

    const identity = await raw('identity');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.equals(plain)).toBe(true);
  });

  it('lets browsers keep hashed assets for good and revalidate the page itself', async () => {
    const asset = await fetch(`${server.url}${scripts[0]}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const route of ['/', '/terminations/TR-1', '/admin/users']) {
      const page = await fetch(`${server.url}${route}`);
      expect(page.status, route).toBe(200);
      expect(page.headers.get('content-type'), route).toMatch(/text\/html/);
      expect(page.headers.get('cache-control'), route).toBe('no-cache');
    }
  });

  it('answers a missing asset with 404, not the SPA page', async () => {
    for (const missing of ['/assets/x.js', '/assets/index-00000000.css', '/assets/nested/y.js']) {
      const res = await fetch(`${server.url}${missing}`);
      expect(res.status, missing).toBe(404);
      expect(await res.text(), missing).not.toMatch(/<html/i);
    }
  });
});
