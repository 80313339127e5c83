import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalAttachmentStorage,
  S3AttachmentStorage,
  storageKey,
  type AttachmentStorage,
} from '../../server/src/modules/attachment/attachment-storage.js';
import { FILES, upload } from '../harness/files.js';
import { terminableOrder } from '../harness/orders.js';
import type { TestServer } from '../harness/server.js';
import type { Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';

/*
 * Both storage adapters against real storage: a folder, and an S3-compatible server (s3rver,
 * in-process; the adapter speaks plain S3 over HTTP to it, path-style, as to MinIO).
 */
let work: string;
let s3: S3rver;
let s3Url: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-storage-'));
  fs.mkdirSync(path.join(work, 's3'));
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: path.join(work, 's3'),
    configureBuckets: [{ name: 'attachments', configs: [] }],
  });
  const address = (await s3.run()) as AddressInfo;
  s3Url = `http://S3RVER:S3RVER@127.0.0.1:${address.port}/attachments/ot?region=cn-east-1`;
});
afterAll(async () => {
  await s3?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

function incoming(content: string): string {
  const file = path.join(work, `${randomUUID()}.part`);
  fs.writeFileSync(file, content);
  return file;
}

const adapters: [string, () => AttachmentStorage][] = [
  ['local folder', () => new LocalAttachmentStorage(path.join(work, 'local'))],
  ['S3-compatible', () => new S3AttachmentStorage(s3Url)],
];

describe.each(adapters)('%s storage', (_name, make) => {
  it('stores, returns byte for byte, and deletes; the incoming file is moved away', async () => {
    const storage = make();
    const key = storageKey(randomUUID());
    const file = incoming('客户来函 %PDF');
    await storage.put(key, file, 'application/pdf');
    expect(fs.existsSync(file)).toBe(false);
    expect(await text(await storage.get(key))).toBe('客户来函 %PDF');
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toThrow();
  });

  it('refuses keys that are not its own (no path escape)', async () => {
    const storage = make();
    if (storage.kind === 'local') {
      await expect(storage.get('../../etc/passwd')).rejects.toThrow(/Not a storage key/);
    }
    expect(() => storageKey('../x')).toThrow(/Not an attachment id/);
  });
});

it('S3 keys live under the prefix S3_URL names', async () => {
  const storage = new S3AttachmentStorage(s3Url);
  const key = storageKey(randomUUID());
  await storage.put(key, incoming('x'), 'text/plain');
  const files = fs.readdirSync(path.join(work, 's3', 'attachments'), { recursive: true }).map(String);
  expect(files.some((f) => f.startsWith(`ot${path.sep}${key.split('/')[0]}`))).toBe(true);
});

/** The configured limit of the server below (ATTACHMENT_MAX_BYTES): 64 KB. */
const LIMIT = 64 * 1024;

describe('a server with S3_URL and a smaller ATTACHMENT_MAX_BYTES set', () => {
  let server: TestServer;
  let wf: Workflow;
  let storageDir: string;
  beforeAll(async () => {
    storageDir = path.join(work, 'server-storage');
    ({ server, wf } = await startWorkflowServer({
      env: { S3_URL: s3Url, STORAGE_DIR: storageDir, ATTACHMENT_MAX_BYTES: String(LIMIT) },
    }));
  }, 120_000);
  afterAll(async () => server?.close());

  it('takes a file of exactly ATTACHMENT_MAX_BYTES and refuses one byte more (413), keeping nothing of it', async () => {
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: await terminableOrder(server),
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 'limit',
    });
    expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    const authorization = `Bearer ${await wf.token('clerk@example.com')}`;
    const pdfOf = (size: number) => Buffer.concat([FILES.pdf(), Buffer.alloc(size - FILES.pdf().length, 0x20)]);
    const send = (content: Buffer) =>
      upload(server.url, '/attachments', { terminationId: submitted.termination!.id }, { name: 'scan.pdf', content }, authorization);
    const fits = await send(pdfOf(LIMIT));
    expect(fits.status, JSON.stringify(fits.body)).toBe(201);
    expect(fits.body.size).toBe(LIMIT);
    const [{ n: before }] = (await server.sql<{ n: number }>(`select count(*)::int as n from attachment`)) as [{ n: number }];
    const over = await send(pdfOf(LIMIT + 1));
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(over.body.errors?.[0]?.message).toContain(String(LIMIT));
    const [{ n: after }] = (await server.sql<{ n: number }>(`select count(*)::int as n from attachment`)) as [{ n: number }];
    expect(after).toBe(before);
    // The SPA learns the limit (and the customer's smaller one) from the public site facts, to say it beside its file pickers.
    const site = await server.gql<{ signInOptions: { attachmentMaxBytes: number; customerAttachmentMaxBytes: number } }>(
      `{ signInOptions { attachmentMaxBytes customerAttachmentMaxBytes } }`,
    );
    expect(site.data?.signInOptions).toEqual({ attachmentMaxBytes: LIMIT, customerAttachmentMaxBytes: LIMIT });
    // Nothing of it left on the server's disk either (the incoming folder is emptied).
    await expect
      .poll(() =>
        fs.existsSync(storageDir) ? fs.readdirSync(storageDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [],
      )
      .toEqual([]);
  });

  it('keeps uploads in the bucket, not on its disk, and downloads them byte for byte', async () => {
    const submitted = await wf.submit('clerk@example.com', {
      orderNumber: await terminableOrder(server),
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: 's3',
    });
    expect(submitted.__typename, JSON.stringify(submitted)).toBe('SubmitTerminationSuccess');
    const authorization = `Bearer ${await wf.token('clerk@example.com')}`;
    const res = await upload(
      server.url,
      '/attachments',
      { terminationId: submitted.termination!.id },
      { name: 'letter.pdf', content: FILES.pdf() },
      authorization,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [row] = await server.sql<{ storage_key: string }>(`select storage_key from attachment where id = $1`, [res.body.id]);
    // In the bucket under the prefix; on the server's disk at most the empty incoming folder.
    const bucket = fs.readdirSync(path.join(work, 's3', 'attachments'), { recursive: true }).map(String);
    expect(bucket.some((f) => f.startsWith(path.join('ot', row!.storage_key)))).toBe(true);
    const onDisk = fs.existsSync(storageDir)
      ? fs.readdirSync(storageDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      : [];
    expect(onDisk).toEqual([]);
    const download = await fetch(`${server.url}/attachments/${res.body.id}`, { headers: { authorization } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(FILES.pdf())).toBe(true);
  });
});
