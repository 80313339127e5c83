import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * Where attachment contents live, by key. Metadata (name, type, hash, uploader) stays in the
 * database; the adapter only stores and returns bytes. Keys are server-made (never a file name).
 */
export interface AttachmentStorage {
  readonly kind: 'local' | 's3';
  /** Stores the finished upload at `file` under `key` (the file is moved or copied away). */
  put(key: string, file: string, contentType: string): Promise<void>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

const KEY_RE = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/** The key of an attachment id: a two-character fan-out folder keeps directories small. */
export function storageKey(id: string): string {
  const key = `${id.slice(0, 2)}/${id}`;
  if (!KEY_RE.test(key)) throw new Error(`Not an attachment id: ${id}`);
  return key;
}

/** A folder on the server's disk (STORAGE_DIR). */
export class LocalAttachmentStorage implements AttachmentStorage {
  readonly kind = 'local' as const;
  constructor(readonly root: string) {}

  private file(key: string): string {
    if (!KEY_RE.test(key)) throw new Error(`Not a storage key: ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, file: string): Promise<void> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // The incoming folder is under the same root, so this is an atomic rename: no half-written file
    // is ever visible under a key.
    await fs.promises.rename(file, target);
  }

  async get(key: string): Promise<Readable> {
    const target = this.file(key);
    await fs.promises.access(target);
    return fs.createReadStream(target);
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }
}

/**
 * S3-compatible storage from S3_URL: `http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[/prefix]?region=…`.
 * Path-style addressing, so MinIO, Ceph and similar servers work as well as AWS.
 */
export class S3AttachmentStorage implements AttachmentStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(s3Url: string) {
    const url = new URL(s3Url);
    const [bucket, ...prefix] = url.pathname.split('/').filter(Boolean);
    if (!bucket) throw new Error('S3_URL must name a bucket: http(s)://KEY:SECRET@host/bucket');
    this.bucket = bucket;
    this.prefix = prefix.length ? `${prefix.join('/')}/` : '';
    this.client = new S3Client({
      endpoint: `${url.protocol}//${url.host}`,
      region: url.searchParams.get('region') ?? 'us-east-1',
      forcePathStyle: true,
      // Plain requests: the SDK's default streaming checksums (aws-chunked bodies) are not
      // understood by every S3-compatible server.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) },
    });
  }

  async put(key: string, file: string, contentType: string): Promise<void> {
    const { size } = await fs.promises.stat(file);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: fs.createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
    await fs.promises.rm(file, { force: true });
  }

  async get(key: string): Promise<Readable> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    if (!out.Body) throw new Error(`Empty object ${key}`);
    return out.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }
}

export function createAttachmentStorage(config: { storageDir: string; s3Url: string | undefined }): AttachmentStorage {
  return config.s3Url ? new S3AttachmentStorage(config.s3Url) : new LocalAttachmentStorage(config.storageDir);
}

/** Where uploads are written while they arrive; a partial upload is deleted from here. */
export function incomingDir(storageDir: string): string {
  return path.join(storageDir, '.incoming');
}
