import http from 'node:http';
import zlib from 'node:zlib';

/** Small real files of each kind, made here so that tests need no fixtures on disk. */
export const FILES = {
  pdf: () => Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'),
  png: () => Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
  exe: () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]),
  /** A Word document as Office writes its skeleton: a zip whose [Content_Types].xml names the main part. */
  docx: () =>
    storedZip([
      [
        '[Content_Types].xml',
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ],
      ['word/document.xml', '<w:document/>'],
    ]),
  plainZip: () => storedZip([['notes.txt', 'hello']]),
  /** The Compound File Binary header of legacy .doc/.xls files. */
  cfb: () => {
    const b = Buffer.alloc(2048);
    Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(b);
    return b;
  },
  csv: () => Buffer.from('订单,金额\nSO-1,100\n'),
};

/** A record of `size` bytes holding `values` little-endian, placed by `layout`: "offset:bytes" per value. */
function record(size: number, layout: string, values: number[]): Buffer {
  const b = Buffer.alloc(size);
  layout.split(' ').forEach((field, i) => {
    const [at, bytes] = field.split(':').map(Number) as [number, number];
    if (bytes === 2) b.writeUInt16LE(values[i]!, at);
    else b.writeUInt32LE(values[i]!, at);
  });
  return b;
}

/** A zip without compression (method 0), enough for type sniffing. */
export function storedZip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = zlib.crc32(data);
    // Local file header: signature, version needed, CRC-32, sizes (stored: equal), name length.
    const local = record(30, '0:4 4:2 14:4 18:4 22:4 26:2', [0x04034b50, 20, crc, data.length, data.length, n.length]);
    locals.push(local, n, data);
    // Central directory entry: the same with version made by, and the local header's offset.
    const entry = record(46, '0:4 4:2 6:2 16:4 20:4 24:4 28:2 42:4', [0x02014b50, 20, 20, crc, data.length, data.length, n.length, offset]);
    central.push(entry, n);
    offset += 30 + n.length + data.length;
  }
  const directory = Buffer.concat(central);
  // End of central directory: entries on this disk and in all, the directory's size and offset.
  const end = record(22, '0:4 8:2 10:2 12:4 16:4', [0x06054b50, entries.length, entries.length, directory.length, offset]);
  return Buffer.concat([...locals, directory, end]);
}

export interface UploadResponse {
  status: number;
  body: {
    id?: string;
    name?: string;
    size?: number;
    contentType?: string;
    sha256?: string;
    downloadUrl?: string;
    errors?: { message: string; extensions: { code: string } }[];
  };
}

/** POST multipart to `path`: the fields first, then the file part, as the SPA sends it. */
export async function upload(
  url: string,
  path: string,
  fields: Record<string, string>,
  file: { name: string; content: Buffer; type?: string },
  authorization?: string,
): Promise<UploadResponse> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file.content], { type: file.type ?? 'application/octet-stream' }), file.name);
  const res = await fetch(`${url}${path}`, { method: 'POST', body: form, headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as UploadResponse['body'] };
}

/**
 * Starts a multipart upload streamed chunked (no length announced, so the server has to read it to
 * know its size) and sends `sendBytes` of it, then either cuts the connection or finishes the body.
 * Resolves with the status when the server answered, or null when it was cut first.
 */
export function streamUpload(
  url: string,
  options: { fields: Record<string, string>; authorization: string; sendBytes: number; cut: boolean; name?: string },
): Promise<number | null> {
  const boundary = `----ot${Date.now()}`;
  const head =
    Object.entries(options.fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.name ?? 'big.pdf'}"\r\nContent-Type: application/pdf\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/attachments`, {
      method: 'POST',
      headers: {
        authorization: options.authorization,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    let answered: number | null = null;
    req.on('response', (res) => {
      answered = res.statusCode ?? null;
      res.resume();
      res.on('end', () => resolve(answered));
    });
    req.on('error', (error) => (options.cut || answered ? resolve(answered) : reject(error)));
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    chunk.write('%PDF-1.4\n');
    let sent = 0;
    req.write(head);
    const pump = () => {
      while (sent < options.sendBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (options.cut) {
        req.destroy();
        setTimeout(() => resolve(answered), 50);
      } else req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}
