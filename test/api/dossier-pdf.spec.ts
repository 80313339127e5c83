import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_FIELDS, type Workflow } from '../harness/workflow.js';
import { startWorkflowServer } from '../harness/workflow-server.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/*
 * GET /dossiers/<number>.pdf: the print view rendered by the system Chromium, readable by exactly
 * those who may read the termination; others (and unknown numbers) get the same 404. Without a
 * Chromium the print view itself is the answer.
 */

const COMPANY = 'Acme 精密制造有限公司';
const PUBLIC_URL = 'https://erp.example.com';

let server: TestServer;
let wf: Workflow;
let number: string;
const bearer = async (email: string) => `Bearer ${await wf.token(email)}`;

async function createKey(scopes: string[]): Promise<string> {
  const data = await wf.as<{ createApiKey: { secret: string } }>(
    'admin@example.com',
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { ${RESULT_FIELDS} ... on CreateApiKeySuccess { secret } } }`,
    { i: { name: `dossier ${scopes.join(' ')}`, scopes } },
  );
  return `Bearer ${data.createApiKey.secret}`;
}

const get = (base: string, path: string, authorization?: string) =>
  fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} });

beforeAll(async () => {
  ({ server, wf } = await startWorkflowServer({ env: { COMPANY_NAME: COMPANY, PUBLIC_URL } }));
  number = (
    await wf.submit('clerk@example.com', {
      orderNumber: 'SO-2026-00001',
      reasonCode: 'CUSTOMER_CANCELLATION',
      explanation: '客户来函取消 <script>alert(1)</script>',
    })
  ).termination!.number;
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('dossier PDF', () => {
  it('is an A4 PDF for a head of another department', async () => {
    const res = await get(server.url, `/dossiers/${number}.pdf`, await bearer('warehouse.head@example.com'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-dossier-format')).toBe('pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${number}-dossier.pdf"`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // A4 is 595 × 842 points.
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(body.toString('latin1'));
    expect(box, 'a page size').not.toBeNull();
    expect(Number(box![1])).toBeCloseTo(595, 0);
    expect(Number(box![2])).toBeCloseTo(842, 0);
  }, 60_000);

  it('renders requests that arrive together (queued on one browser)', async () => {
    const token = await bearer('auditor@example.com');
    const answers = await Promise.all([1, 2, 3].map(() => get(server.url, `/dossiers/${number}.pdf`, token)));
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(0, 4)
          .toString('latin1'),
      ).toBe('%PDF');
    }
  }, 90_000);

  it('is 404 alike for unknown numbers and for callers who may not read terminations; 401 without credentials', async () => {
    const ordersOnly = await createKey(['ORDERS_READ']);
    const reader = await createKey(['TERMINATIONS_READ']);
    const hidden = await get(server.url, `/dossiers/${number}.pdf`, ordersOnly);
    const unknown = await get(server.url, '/dossiers/TR-0000-99999.pdf', await bearer('clerk@example.com'));
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await hidden.json()).toEqual(await unknown.json());
    expect((await get(server.url, `/dossiers/${number}.pdf`)).status).toBe(401);
    expect((await get(server.url, `/dossiers/${number}.pdf`, 'Bearer not-a-token')).status).toBe(401);
    expect((await get(server.url, `/dossiers/${number}.pdf`, reader)).status).toBe(200);
    // Nothing but a termination number is accepted in the path.
    expect((await get(server.url, '/dossiers/..%2F..%2Fetc%2Fpasswd.pdf', await bearer('clerk@example.com'))).status).not.toBe(200);
  }, 60_000);

  it('has a print view headed by the company and a link to the record, A4 with whole table rows', async () => {
    const res = await get(server.url, `/terminations/${number}/dossier.html`, await bearer('clerk@example.com'));
    const html = await res.text();
    expect(html).toContain(`<span class="company">${COMPANY}</span>`);
    expect(html).toContain(`href="${PUBLIC_URL}/terminations/${number}"`);
    expect(html).toContain('@page{size:A4;');
    expect(html).toContain('tr{break-inside:avoid}');
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});

describe('dossier PDF without Chromium', () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer({
      databaseUrl: server.databaseUrl,
      env: { CHROMIUM_PATH: '/nonexistent/chromium', COMPANY_NAME: COMPANY, PUBLIC_URL },
    });
  }, 60_000);
  afterAll(async () => {
    await bare?.close();
  });

  it('answers with the print view instead, and says so', async () => {
    const res = await get(bare.url, `/dossiers/${number}.pdf`, `Bearer ${await bare.login('finance.head@example.com')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-dossier-format')).toBe('html');
    const html = await res.text();
    expect(html).toContain(number);
    expect(html).toContain(COMPANY);
  });

  it('still refuses alike without a browser', async () => {
    const res = await get(bare.url, '/dossiers/TR-0000-99999.pdf', `Bearer ${await bare.login('clerk@example.com')}`);
    expect(res.status).toBe(404);
  });
});
