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

/** A zip without compression (method 0), enough for type sniffing. */
export function storedZip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    locals.push(local, n, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(n.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, n);
    offset += 30 + n.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
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
 * Starts a multipart upload that announces `declaredBytes` (chunked, no length) and sends
 * `sendBytes` of it, then either cuts the connection or finishes the body. Resolves with the
 * status when the server answered, or null when it was cut first.
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
