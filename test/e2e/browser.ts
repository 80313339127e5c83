import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '@ot/shared';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from '../harness/server.js';

/** Browser-test support: Debian's Chromium driven by playwright-core, one context per person. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

export const PASSWORD = 'demo1234';
/** How long a single UI expectation may take (live updates, lazy routes, a slow CI machine). */
export const UI_TIMEOUT = 20_000;

/**
 * The server serves the SPA from client/dist only if it exists when it starts. CI builds it
 * (`pnpm build`) before `pnpm test`; a local run without it builds it here (about a minute).
 */
export async function ensureClientBuilt(): Promise<void> {
  if (fs.existsSync(path.join(ROOT, 'client/dist/index.html'))) return;
  // Not with the test runner's environment: NODE_ENV=test would give Vite a development build of Vue.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_ENV$|TEST$|MODE$)/.test(key)));
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pnpm', ['--filter', 'client', 'build'], {
      cwd: ROOT,
      env: { ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pnpm --filter client build failed (${code}):\n${output}`))));
  });
  if (!fs.existsSync(path.join(ROOT, 'client/dist/index.html'))) throw new Error('client/dist/index.html missing after the build');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS] });
}

/** What a browser test file works with; both are set by the hooks of `useBrowserSessions`. */
export interface BrowserRun {
  server: TestServer;
  /** A fresh one for every test. */
  session: Session;
}

/**
 * Registers the file's hooks: the SPA built, one server (started with `server`) and one browser for the file, and a new
 * Session for each test that, if the test fails, prints its screenshots and the browser's errors.
 */
export function useBrowserSessions(server: TestServerOptions = {}): BrowserRun {
  const run = {} as BrowserRun;
  let browser: Browser;
  beforeAll(async () => {
    await ensureClientBuilt();
    run.server = await startTestServer(server);
    browser = await launchBrowser();
  }, 360_000);
  afterAll(async () => {
    await browser?.close();
    await run.server?.close();
  });
  beforeEach(() => {
    run.session = new Session(browser, run.server.url);
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      const files = await run.session.screenshots(context.task.name);
      if (files.length) console.log(`screenshots of the failed test:\n  ${files.join('\n  ')}`);
      if (run.session.errors.length) console.log(`browser errors:\n  ${run.session.errors.join('\n  ')}`);
    }
    await run.session.close();
  });
  return run;
}

interface Tracked {
  name: string;
  context: BrowserContext;
}

/**
 * The browser contexts of one test (one per person), with everything they log as an error.
 * `screenshots()` saves every open page (on failure); `close()` ends them all.
 */
export class Session {
  private readonly tracked: Tracked[] = [];
  /** Console errors and uncaught page errors, as "<context>: <text>". */
  readonly errors: string[] = [];
  /** The GraphQL subscriptions each page has started on its socket, by operation name. */
  private readonly subscriptions = new WeakMap<Page, Set<string>>();

  constructor(
    private readonly browser: Browser,
    private readonly baseURL: string,
  ) {}

  async context(name: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({
      baseURL: this.baseURL,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 1440, height: 900 },
      reducedMotion: 'reduce',
      ...options,
    });
    context.setDefaultTimeout(UI_TIMEOUT);
    context.setDefaultNavigationTimeout(30_000);
    context.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`${name}: console.error ${message.text()} (${message.location().url})`);
    });
    context.on('weberror', (error) => this.errors.push(`${name}: ${error.error().stack ?? error.error().message}`));
    context.on('page', (page) => this.trackSubscriptions(page));
    this.tracked.push({ name, context });
    return context;
  }

  /** A new context for `email`, signed in through the login page as a person would (Enter in the password field). */
  async signIn(name: string, email: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.context(name, options);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('邮箱', { exact: true }).fill(email);
    const password = page.getByLabel('密码', { exact: true });
    await password.fill(PASSWORD);
    await password.press('Enter');
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    return page;
  }

  /**
   * Resolves once `page` has asked the server for the subscription `operationName`, so a test can
   * wait until a live page is really listening before it causes the event.
   */
  async subscribed(page: Page, operationName: string): Promise<void> {
    await expect
      .poll(() => this.subscriptions.get(page)?.has(operationName) ?? false, {
        timeout: UI_TIMEOUT,
        interval: 100,
        message: `subscription ${operationName}`,
      })
      .toBe(true);
  }

  private trackSubscriptions(page: Page): void {
    const started = new Set<string>();
    this.subscriptions.set(page, started);
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        try {
          const message = JSON.parse(String(payload)) as { type?: string; payload?: { operationName?: string; query?: string } };
          if (message.type !== 'subscribe') return;
          const name = message.payload?.operationName ?? /subscription\s+(\w+)/.exec(message.payload?.query ?? '')?.[1];
          if (name) started.add(name);
        } catch {
          // not JSON: not a graphql-ws message
        }
      });
    });
  }

  /** Saves a PNG of every open page to test/e2e/screenshots/<test>-<context>[-<n>].png. */
  async screenshots(testName: string): Promise<string[]> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const saved: string[] = [];
    const slug = (s: string) => s.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');
    for (const { name, context } of this.tracked) {
      for (const [index, page] of context.pages().entries()) {
        if (page.isClosed()) continue;
        const file = path.join(SCREENSHOTS, `${slug(testName)}-${slug(name)}${index ? `-${index + 1}` : ''}.png`);
        try {
          await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
          saved.push(file);
        } catch (error) {
          console.warn(`screenshot of ${name} failed: ${(error as Error).message}`);
        }
      }
    }
    return saved;
  }

  async close(): Promise<void> {
    await Promise.all(this.tracked.map(({ context }) => context.close().catch(() => undefined)));
    this.tracked.length = 0;
  }
}

/** Opens an Element Plus select by its form label and picks an option, as with a mouse. */
export async function choose(page: Page, scope: Page | Locator, label: string, option: string | RegExp): Promise<void> {
  await scope.locator('.el-select', { has: page.getByLabel(label, { exact: true }) }).click();
  await page.getByRole('option', typeof option === 'string' ? { name: option, exact: true } : { name: option }).click();
}

/** Waits until the locator's text contains each of `parts`. */
export async function expectText(locator: Locator, ...parts: (string | RegExp)[]): Promise<void> {
  for (const part of parts) {
    const check = expect.poll(() => locator.innerText(), { timeout: UI_TIMEOUT, message: `text of ${locator}` });
    await (typeof part === 'string' ? check.toContain(part) : check.toMatch(part));
  }
}

/** Waits until `locator` matches exactly `count` elements. */
export async function expectCount(locator: Locator, count: number): Promise<void> {
  await expect.poll(() => locator.count(), { timeout: UI_TIMEOUT, message: `count of ${locator}` }).toBe(count);
}

/** Marks the document, so a later `expectNoReload` proves the page changed without being reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __e2eMark?: boolean }).__e2eMark = true));
}

export async function expectNoReload(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true), 'the page was reloaded').toBe(true);
}

/**
 * Submits the termination wizard from its confirm step, as the clerk does: waits for the notice
 * that it was submitted and for the termination's page, and returns the termination's number.
 */
export async function submitWizard(clerk: Page): Promise<string> {
  await Promise.all([
    clerk
      .getByRole('alert')
      .filter({ hasText: /终止申请 TR-\d{4}-\d{6} 已提交/ })
      .waitFor(),
    clerk.getByRole('button', { name: '提交终止申请' }).click(),
  ]);
  await clerk.waitForURL(/\/terminations\/TR-\d{4}-\d{6}$/);
  return new URL(clerk.url()).pathname.split('/').pop()!;
}

/** "49980.00" → "49,980.00": how the SPA shows an amount, without the currency sign. */
export function amount(value: string): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(value));
}
