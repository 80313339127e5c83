import fs from 'node:fs';
import { CHROMIUM_ARGS } from '@ot/shared';
import { chromium, type Browser } from 'playwright-core';
import type { Logger } from '../../kernel/logger.js';

export interface DossierPdfOptions {
  chromiumPath: string;
  /** Renders at once; one browser serves them all, each in a context of its own. */
  concurrency?: number;
  /** Renders waiting beyond the running ones; more are refused (busy) rather than queued without end. */
  maxQueued?: number;
  timeoutMs?: number;
}

/** Thrown when every render slot and queue place is taken, or a render outlived its time. */
export class PdfUnavailable extends Error {
  override name = 'PdfUnavailable';
}

/**
 * Turns the dossier's print view (self-contained HTML made by the server) into an A4 PDF with
 * the system Chromium. The page is set from the HTML directly, with scripts off and every
 * request refused, so no session token, cookie or URL with credentials ever reaches the browser.
 * One browser is started on first use and kept; a small queue bounds the work at once.
 */
export class DossierPdfRenderer {
  private browser: Promise<Browser> | null = null;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly options: DossierPdfOptions,
    private readonly logger: Logger,
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.maxQueued = options.maxQueued ?? 8;
    // Generous: a busy two-core machine needs several seconds to start the browser and lay out a long audit trail.
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Whether a Chromium is installed where CHROMIUM_PATH says (checked each time: it may be installed later). */
  available(): boolean {
    try {
      fs.accessSync(this.options.chromiumPath, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  async render(html: string): Promise<Buffer> {
    await this.acquire();
    try {
      return await this.withTimeout(this.print(html));
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (browser) await (await browser.catch(() => null))?.close().catch(() => undefined);
  }

  private async print(html: string): Promise<Buffer> {
    const browser = await this.launched();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      // The print view needs nothing from outside; anything it might name is not fetched.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load', timeout: this.timeoutMs });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  private launched(): Promise<Browser> {
    if (!this.browser) {
      const starting = chromium.launch({
        executablePath: this.options.chromiumPath,
        args: ['--headless', ...CHROMIUM_ARGS],
        timeout: this.timeoutMs,
      });
      this.browser = starting;
      starting.then(
        (browser) =>
          browser.on('disconnected', () => {
            // A crashed browser is started afresh by the next render.
            if (this.browser === starting) this.browser = null;
          }),
        (err: unknown) => {
          this.logger.warn({ err }, 'could not start Chromium for dossier PDFs');
          if (this.browser === starting) this.browser = null;
        },
      );
    }
    return this.browser;
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PdfUnavailable(`Rendering the PDF took longer than ${this.timeoutMs} ms.`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    if (this.waiting.length >= this.maxQueued) throw new PdfUnavailable('Too many PDFs are being rendered; try again shortly.');
    // The slot is handed over by release(): `running` stays counted for the waiter.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
