import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** A refused upload: the HTTP status and error code the client gets, with a message for people. */
export class UploadProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One file as it arrived, written to a temporary file; the caller moves it on or deletes it. */
export interface ReceivedFile<T> {
  target: T;
  file: string;
  clientName: string;
  size: number;
  sha256: string;
  /** Valid UTF-8 without NUL bytes: may be kept as text when nothing else matches. */
  text: boolean;
}

/** Hashes, counts and checks for text while the bytes pass. */
function inspector() {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const state = { size: 0, text: true, hash };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      state.size += chunk.length;
      hash.update(chunk);
      if (state.text) {
        try {
          if (chunk.includes(0)) state.text = false;
          else decoder.decode(chunk, { stream: true });
        } catch {
          state.text = false;
        }
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        if (state.text) decoder.decode();
      } catch {
        state.text = false;
      }
      done();
    },
  });
  return { stream, state };
}

/**
 * Reads one multipart/form-data upload: text fields first (they name the target, which
 * `beforeFile` resolves and authorizes before a byte is written), then exactly one file part
 * named `file`, at most `maxBytes`. Whatever goes wrong — too large, the client gone, a refusal —
 * the temporary file is removed before this rejects, so no partial file remains.
 */
export async function receiveUpload<T>(
  req: IncomingMessage,
  options: { maxBytes: number; dir: string; beforeFile: (fields: Record<string, string>) => Promise<T> },
): Promise<ReceivedFile<T>> {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    throw new UploadProblem(415, 'BAD_REQUEST', 'Send multipart/form-data with the fields first and one part named "file".');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes + 64 * 1024) {
    throw new UploadProblem(413, 'PAYLOAD_TOO_LARGE', `Files may be at most ${options.maxBytes} bytes.`);
  }
  await fs.promises.mkdir(options.dir, { recursive: true });
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      // busboy marks a file truncated once it *reaches* `fileSize`: one byte more lets a file of
      // exactly maxBytes through, and anything larger is still cut (and refused below).
      limits: { files: 1, fileSize: options.maxBytes + 1, fields: 10, fieldSize: 1024, parts: 12 },
      defParamCharset: 'utf8',
    });
  } catch {
    throw new UploadProblem(400, 'BAD_REQUEST', 'The multipart body cannot be read (boundary missing?).');
  }
  const fields: Record<string, string> = {};
  const temp = path.join(options.dir, `${randomUUID()}.part`);
  let current: Readable | null = null;

  const done = new Promise<ReceivedFile<T>>((resolve, reject) => {
    let handled = false;
    /** Handed to the caller, who owns the file from then on. */
    let resolved = false;
    // Every failure removes the temporary file (again, if an earlier one did: a late writer may
    // have created it since); only the first one answers.
    const fail = (problem: unknown) => {
      if (resolved) return;
      const first = !handled;
      handled = true;
      current?.resume();
      void fs.promises.rm(temp, { force: true }).finally(() => {
        if (first) reject(problem);
      });
    };
    // A client that goes away mid-upload ends nothing by itself: the file stream is failed here.
    req.once('close', () => {
      if (!req.complete) {
        const gone = new UploadProblem(400, 'BAD_REQUEST', 'The upload was cut off.');
        current?.destroy(gone);
        fail(gone);
      }
    });
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      if (handled || current) return void stream.resume();
      current = stream;
      if (name !== 'file') return fail(new UploadProblem(400, 'BAD_REQUEST', 'The file part must be named "file".'));
      stream.pause();
      void (async () => {
        try {
          const target = await options.beforeFile(fields);
          // Refused or cut off meanwhile: nothing is written.
          if (handled) return void stream.resume();
          const { stream: inspect, state } = inspector();
          await pipeline(stream, inspect, fs.createWriteStream(temp, { flags: 'wx' }));
          if ((stream as Readable & { truncated?: boolean }).truncated || state.size > options.maxBytes) {
            throw new UploadProblem(413, 'PAYLOAD_TOO_LARGE', `Files may be at most ${options.maxBytes} bytes.`);
          }
          if (handled) throw new UploadProblem(400, 'BAD_REQUEST', 'The upload was cut off.');
          handled = true;
          resolved = true;
          resolve({
            target,
            file: temp,
            clientName: info.filename ?? '',
            size: state.size,
            sha256: state.hash.digest('hex'),
            text: state.text,
          });
        } catch (error) {
          fail(error);
        }
      })();
    });
    bb.on('error', (error) =>
      fail(error instanceof UploadProblem ? error : new UploadProblem(400, 'BAD_REQUEST', 'The multipart body is malformed.')),
    );
    bb.on('close', () => {
      if (!current) fail(new UploadProblem(400, 'BAD_REQUEST', 'No file was sent (a part named "file").'));
    });
  });
  req.pipe(bb);
  return done;
}
