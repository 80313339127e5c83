import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, streamUpload, upload, type UploadResponse } from '../harness/files.js';
import type { TerminationView, Workflow } from '../harness/workflow.js';
import { RESULT_FIELDS } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';
import type { TestServer } from '../harness/server.js';

let server: TestServer;
let wf: Workflow;
let storageDir: string;
let running: TerminationView;
let effective: TerminationView;
const keys: Record<string, string> = {};

const bearer = async (email: string) => `Bearer ${await wf.token(email)}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const rows = async () => (await server.sql<{ n: number }>(`select count(*)::int as n from attachment`))[0]!.n;

/** Every file in the storage folder (stored and still arriving). */
function storedFiles(dir = storageDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

async function createKey(name: string, scopes: string[], department?: string): Promise<string> {
  const data = await wf.as<{ createApiKey: { secret: string } }>(
    'admin@example.com',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ${RESULT_FIELDS} ... on CreateApiKeySuccess { secret } } }`,
    { i: { name, scopes, ...(department ? { department } : {}) } },
  );
  return data.createApiKey.secret;
}

const toTermination = (who: string, content: Buffer, name = 'letter.pdf') =>
  who.startsWith('Bearer')
    ? upload(server.url, '/attachments', { terminationId: running.id }, { name, content }, who)
    : Promise.reject(new Error(who));

beforeAll(async () => {
  storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ot-attachments-'));
  ({ server, wf } = await startWorkflowServer({ env: { STORAGE_DIR: storageDir, PUBLIC_URL: 'https://erp.example.com' } }));
  running = (
    await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00001',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户来函取消。',
    })
  ).termination!;
  effective = await wf.effectiveDuplicateOrder('重复订单');
  keys.read = await createKey('reader', ['TERMINATIONS_READ']);
  keys.write = await createKey('ERP writer', ['TERMINATIONS_WRITE']);
  keys.orders = await createKey('orders only', ['ORDERS_READ']);
  keys.wms = await createKey('WMS', ['FOLLOW_UPS_WRITE', 'TERMINATIONS_READ'], 'WAREHOUSE');
  keys.crm = await createKey('CRM', ['FOLLOW_UPS_WRITE', 'TERMINATIONS_READ'], 'SALES');
}, 120_000);
afterAll(async () => {
  await server?.close();
  fs.rmSync(storageDir, { recursive: true, force: true });
});

describe('uploading to a termination', () => {
  it('stores the file with its hash, size, sniffed type and uploader, lists it in GraphQL and audits attachment.added', async () => {
    const content = FILES.pdf();
    const res = await toTermination(await bearer('clerk@example.com'), content, '客户来函.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: '客户来函.pdf', size: content.length, contentType: 'application/pdf', sha256: sha256(content) });
    expect(res.body.downloadUrl).toBe(`https://erp.example.com/attachments/${res.body.id}`);

    const data = await wf.as<{ termination: { attachments: Record<string, unknown>[] } }>(
      'auditor@example.com',
      `query($id: ID) { termination(id: $id) { attachments { id name size contentType sha256 uploadedBy uploadedByType uploadedAt downloadUrl followUpTaskId } } }`,
      { id: running.id },
    );
    const listed = data.termination.attachments.find((a) => a.id === res.body.id);
    expect(listed).toMatchObject({
      name: '客户来函.pdf',
      size: content.length,
      sha256: sha256(content),
      uploadedBy: '李晓梅',
      uploadedByType: 'USER',
      followUpTaskId: null,
    });
    expect(Date.parse(String(listed!.uploadedAt))).toBeGreaterThan(Date.now() - 60_000);

    const [event] = await server.sql<{ actor_name: string; data: Record<string, unknown>; termination_id: string }>(
      `select actor_name, data, termination_id from audit_event where action = 'attachment.added' and entity_id = $1`,
      [res.body.id],
    );
    expect(event).toMatchObject({
      termination_id: running.id,
      data: { name: '客户来函.pdf', sha256: sha256(content), size: content.length },
    });
    // The bytes are stored under a server-made key, byte for byte.
    const [row] = await server.sql<{ storage_key: string }>(`select storage_key from attachment where id = $1`, [res.body.id]);
    expect(fs.readFileSync(path.join(storageDir, row!.storage_key)).equals(content)).toBe(true);
  });

  it('accepts the allowlisted kinds by their bytes: images, Word (zip with Office structure), legacy Office, CSV', async () => {
    const clerk = await bearer('clerk@example.com');
    const cases: [string, Buffer, string, string][] = [
      ['photo.png', FILES.png(), 'image/png', 'photo.png'],
      ['答复.docx', FILES.docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '答复.docx'],
      ['old.xls', FILES.cfb(), 'application/vnd.ms-excel', 'old.xls'],
      ['old.doc', FILES.cfb(), 'application/msword', 'old.doc'],
      ['lines.csv', FILES.csv(), 'text/csv', 'lines.csv'],
    ];
    for (const [name, content, type, stored] of cases) {
      const res = await toTermination(clerk, content, name);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body).toMatchObject({ contentType: type, name: stored, sha256: sha256(content) });
    }
  });
});

describe('hostile files change nothing', () => {
  const refused = (res: UploadResponse, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.errors?.[0]?.extensions.code).toBe(code);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|node_modules/);
  };

  it('refuses a program sent as application/pdf named .pdf, a plain zip, a zip named .docx, binary named .txt, and zero bytes', async () => {
    const clerk = await bearer('clerk@example.com');
    const before = await rows();
    const files = storedFiles().length;
    refused(
      await upload(
        server.url,
        '/attachments',
        { terminationId: running.id },
        { name: 'letter.pdf', content: FILES.exe(), type: 'application/pdf' },
        clerk,
      ),
      415,
      'UNSUPPORTED_FILE_TYPE',
    );
    refused(await toTermination(clerk, FILES.plainZip(), 'archive.zip'), 415, 'UNSUPPORTED_FILE_TYPE');
    refused(await toTermination(clerk, FILES.plainZip(), 'fake.docx'), 415, 'UNSUPPORTED_FILE_TYPE');
    refused(await toTermination(clerk, FILES.cfb(), 'unknown.bin'), 415, 'UNSUPPORTED_FILE_TYPE');
    refused(await toTermination(clerk, Buffer.from([0x41, 0x00, 0x42]), 'notes.txt'), 415, 'UNSUPPORTED_FILE_TYPE');
    refused(await toTermination(clerk, Buffer.alloc(0), 'empty.pdf'), 400, 'VALIDATION_FAILED');
    expect(await rows()).toBe(before);
    expect(storedFiles()).toHaveLength(files);
  });

  it('keeps no folder of a ../ name and judges double extensions by the content', async () => {
    const clerk = await bearer('clerk@example.com');
    const names: [string, Buffer, string][] = [
      ['../../../etc/passwd.pdf', FILES.pdf(), 'passwd.pdf'],
      ['..\\..\\windows\\evil.pdf', FILES.pdf(), 'evil.pdf'],
      ['report.pdf.exe', FILES.pdf(), 'report.pdf'],
      ['invoice.exe', FILES.pdf(), 'invoice_exe.pdf'],
      ['photo.jpg.html', FILES.png(), 'photo.jpg.png'],
      ['\u202egnp.exe.pdf', FILES.pdf(), 'gnp_exe.pdf'],
      [`${'长'.repeat(300)}.pdf`, FILES.pdf(), `${'长'.repeat(116)}.pdf`],
    ];
    for (const [name, content, expected] of names) {
      const res = await toTermination(clerk, content, name);
      expect(res.status, name).toBe(201);
      expect(res.body.name, name).toBe(expected);
    }
    // Nothing was written outside the storage folder's own keys.
    for (const file of storedFiles()) expect(path.relative(storageDir, file)).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
  });

  it('refuses a file over ATTACHMENT_MAX_BYTES (20 MB by default) and keeps no part of it', async () => {
    const before = await rows();
    const status = await streamUpload(server.url, {
      fields: { terminationId: running.id },
      authorization: await bearer('clerk@example.com'),
      sendBytes: 21 * 1024 * 1024,
      cut: false,
    });
    expect(status).toBe(413);
    expect(await rows()).toBe(before);
    await expect.poll(() => storedFiles(path.join(storageDir, '.incoming')), { timeout: 5000 }).toHaveLength(0);
    // The limits the SPA states beside its file pickers: 20 MB, and 5 MB on the customer's page.
    const site = await server.gql<{ signInOptions: Record<string, number> }>(
      `{ signInOptions { attachmentMaxBytes customerAttachmentMaxBytes } }`,
    );
    expect(site.data?.signInOptions).toEqual({ attachmentMaxBytes: 20 * 1024 * 1024, customerAttachmentMaxBytes: 5 * 1024 * 1024 });
  });

  it('answers 413 at once to a request announcing 100 MB, before reading its body', async () => {
    const authorization = await bearer('clerk@example.com');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/attachments`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(100 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', reject);
      req.write('--x\r\n');
    });
    expect(status).toBe(413);
  });

  it('removes the partial file of a 100 MB upload cut off after 6 MB, and records nothing', async () => {
    const before = await rows();
    const incoming = path.join(storageDir, '.incoming');
    await streamUpload(server.url, {
      fields: { terminationId: running.id },
      authorization: await bearer('clerk@example.com'),
      sendBytes: 6 * 1024 * 1024,
      cut: true,
    });
    await expect.poll(() => storedFiles(incoming), { timeout: 5000 }).toHaveLength(0);
    expect(await rows()).toBe(before);
    // The server is fine afterwards.
    expect((await toTermination(await bearer('clerk@example.com'), FILES.pdf())).status).toBe(201);
  });
});

describe('who may attach and download', () => {
  let attachmentId: string;
  beforeAll(async () => {
    const res = await toTermination(await bearer('clerk@example.com'), FILES.pdf(), 'matrix.pdf');
    attachmentId = res.body.id!;
  });

  const download = async (authorization?: string) => {
    const res = await fetch(`${server.url}/attachments/${attachmentId}`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('attaches to a termination: staff of every department, admins and TERMINATIONS_WRITE keys; not auditors, readers or anonymous callers', async () => {
    const before = await rows();
    for (const email of ['sales.head@example.com', 'warehouse.head@example.com', 'finance.head@example.com', 'admin@example.com']) {
      expect((await toTermination(await bearer(email), FILES.pdf())).status, email).toBe(201);
    }
    expect((await toTermination(`Bearer ${keys.write}`, FILES.pdf())).status).toBe(201);
    const [keyRow] = await server.sql<{ uploaded_by_type: string; uploaded_by: string }>(
      `select uploaded_by_type, uploaded_by from attachment order by created_at desc limit 1`,
    );
    expect(keyRow).toEqual({ uploaded_by_type: 'API_KEY', uploaded_by: expect.stringContaining('ERP writer') });
    expect(await rows()).toBe(before + 5);

    const auditor = await toTermination(await bearer('auditor@example.com'), FILES.pdf());
    expect(auditor.status).toBe(403);
    expect(auditor.body.errors![0]!.extensions.code).toBe('FORBIDDEN_ACTION');
    expect((await toTermination(`Bearer ${keys.read}`, FILES.pdf())).status).toBe(403);
    const anonymous = await upload(server.url, '/attachments', { terminationId: running.id }, { name: 'a.pdf', content: FILES.pdf() });
    expect(anonymous.status).toBe(401);
    const unknown = await upload(
      server.url,
      '/attachments',
      { terminationId: '00000000-0000-4000-8000-000000000000' },
      { name: 'a.pdf', content: FILES.pdf() },
      await bearer('clerk@example.com'),
    );
    expect(unknown.status).toBe(404);
    // A refused caller streaming a large file is answered without anything written.
    const streamed = await streamUpload(server.url, {
      fields: { terminationId: running.id },
      authorization: await bearer('auditor@example.com'),
      sendBytes: 8 * 1024 * 1024,
      cut: false,
    });
    expect(streamed).toBe(403);
    expect(await rows()).toBe(before + 5);
    await expect.poll(() => storedFiles(path.join(storageDir, '.incoming')), { timeout: 5000 }).toHaveLength(0);
  });

  it('attaches to a follow-up task: its department (head, clerks, its bound key) and admins only; listed on the task', async () => {
    const tasks = await wf.as<{ termination: { followUpTasks: { id: string; department: string }[] } }>(
      'admin@example.com',
      `query($id: ID) { termination(id: $id) { followUpTasks { id department } } }`,
      { id: effective.id },
    );
    const sales = tasks.termination.followUpTasks.find((x) => x.department === 'SALES')!;
    const send = (who: string) =>
      upload(server.url, '/attachments', { followUpTaskId: sales.id }, { name: 'proof.png', content: FILES.png() }, who);
    expect((await send(await bearer('clerk@example.com'))).status).toBe(201);
    expect((await send(await bearer('sales.head@example.com'))).status).toBe(201);
    expect((await send(await bearer('admin@example.com'))).status).toBe(201);
    // A partner key bound to the task's department attaches its proof of work; one of another department may not.
    const crm = await send(`Bearer ${keys.crm}`);
    expect(crm.status, JSON.stringify(crm.body)).toBe(201);
    const other = await send(await bearer('warehouse.head@example.com'));
    expect(other.status).toBe(403);
    expect(other.body.errors![0]!.extensions.code).toBe('NOT_YOUR_DEPARTMENT');
    expect((await send(`Bearer ${keys.wms}`)).status).toBe(403);
    expect((await send(await bearer('auditor@example.com'))).status).toBe(403);

    const listed = await wf.as<{
      followUpTasks: { edges: { node: { id: string; attachments: { name: string; followUpTaskId: string }[] } }[] };
    }>('auditor@example.com', `{ followUpTasks(first: 100) { edges { node { id attachments { name followUpTaskId } } } } }`);
    const node = listed.followUpTasks.edges.find((e) => e.node.id === sales.id)!.node;
    expect(node.attachments).toEqual(Array(4).fill({ name: 'proof.png', followUpTaskId: sales.id }));
  });

  it('downloads for every reader of terminations (users of every role, TERMINATIONS_READ keys), byte for byte, never rendered inline', async () => {
    for (const who of [
      await bearer('auditor@example.com'),
      await bearer('finance.head@example.com'),
      await bearer('clerk@example.com'),
      `Bearer ${keys.read}`,
      `Bearer ${keys.wms}`,
    ]) {
      const res = await download(who);
      expect(res.status).toBe(200);
      expect(res.body.equals(FILES.pdf())).toBe(true);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="matrix.pdf"/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-content-sha256')).toBe(sha256(FILES.pdf()));
    }
    expect((await download(`Bearer ${keys.orders}`)).status).toBe(403);
    expect((await download(`Bearer ${keys.write}`)).status).toBe(403);
    expect((await download()).status).toBe(401);
    expect((await download('Bearer not-a-token')).status).toBe(401);
    const missing = await fetch(`${server.url}/attachments/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: await bearer('clerk@example.com') },
    });
    expect(missing.status).toBe(404);
    const junk = await fetch(`${server.url}/attachments/..%2f..%2fetc%2fpasswd`, {
      headers: { authorization: await bearer('clerk@example.com') },
    });
    expect(junk.status).toBe(404);
  });
});

describe('the customer attaches on the confirmation page', () => {
  it('accepts a file with a valid link (smaller allowance, at most five), refuses a bad link; the dossier lists hashes', async () => {
    const t = await wf.submitApproved('clerk@example.com', {
      orderNumber: 'SO-2026-00002',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户确认',
      customerConfirmationRequired: true,
    });
    expect(t.status).toBe('AWAITING_CUSTOMER');
    const token = await wf.confirmationToken(t.customerConfirmation!.recipient);
    const signed = FILES.pdf();
    const res = await upload(server.url, '/confirmations/attachments', { token }, { name: '签字确认.pdf', content: signed });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: '签字确认.pdf', size: signed.length, sha256: sha256(signed) });
    const [row] = await server.sql<{ uploaded_by_type: string; uploaded_by: string }>(
      `select uploaded_by_type, uploaded_by from attachment where id = $1`,
      [res.body.id],
    );
    expect(row).toEqual({ uploaded_by_type: 'CUSTOMER', uploaded_by: t.customerConfirmation!.recipient });

    const bad = await upload(server.url, '/confirmations/attachments', { token: 'x'.repeat(43) }, { name: 'a.pdf', content: signed });
    expect(bad.status).toBe(403);
    expect(bad.body.errors![0]!.extensions.code).toBe('TOKEN_INVALID');
    const hostile = await upload(server.url, '/confirmations/attachments', { token }, { name: 'a.pdf', content: FILES.exe() });
    expect(hostile.status).toBe(415);

    for (let i = 0; i < 4; i++)
      expect((await upload(server.url, '/confirmations/attachments', { token }, { name: `p${i}.png`, content: FILES.png() })).status).toBe(
        201,
      );
    const sixth = await upload(server.url, '/confirmations/attachments', { token }, { name: 'p6.png', content: FILES.png() });
    expect(sixth.status).toBe(409);

    const dossier = await fetch(`${server.url}/terminations/${t.number}/dossier.json`, {
      headers: { authorization: await bearer('auditor@example.com') },
    });
    const json = (await dossier.json()) as { attachments: { name: string; sha256: string; uploadedBy: string }[] };
    expect(json.attachments[0]).toMatchObject({
      name: '签字确认.pdf',
      sha256: sha256(signed),
      uploadedBy: t.customerConfirmation!.recipient,
    });
    const html = await (
      await fetch(`${server.url}/terminations/${t.number}/dossier.html`, {
        headers: { authorization: await bearer('auditor@example.com') },
      })
    ).text();
    expect(html).toContain(sha256(signed));
    expect(html).toContain('签字确认.pdf');
  });
});
