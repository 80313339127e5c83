import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../client/src/locales/en.js';
import zh from '../../client/src/locales/zh-CN.js';
import { RESULT_FIELDS, Workflow } from '../harness/workflow.js';
import { PASSWORD, UI_TIMEOUT, useBrowserSessions } from './browser.js';

/*
 * One language per person (issue #16): a user who reads English sees no Chinese system text on
 * the pages clerks and heads use, and a user who reads Chinese no English text from our own
 * catalogue. What people entered or partners sent (names, comments, carrier names…) is data,
 * marked `data-user-text` in the SPA, and is left out of the scan.
 */

const run = useBrowserSessions();
let wf: Workflow;
/** Effective with customer and supplier notices, follow-ups and notifications. */
let effective = '';
/** Waiting for the heads, so the board has cards. */
let pending = '';

const HAN = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;

async function setLanguage(email: string, language: 'EN' | 'ZH_CN') {
  const data = await wf.as<{ updateNotificationPreferences: { __typename: string } }>(
    email,
    `mutation($i: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $i) { ${RESULT_FIELDS} } }`,
    { i: { mailLanguage: language } },
  );
  expect(data.updateNotificationPreferences.__typename).toBe('NotificationPreferences');
}

/** A termination the clerk submits for the customer's cancellation of `orderNumber`. */
async function submitted(orderNumber: string, explanation: string, confirmation?: boolean) {
  const result = await wf.submit('clerk@example.com', {
    orderNumber,
    reasonCode: 'CUSTOMER_CANCELLATION',
    explanation,
    ...(confirmation === undefined ? {} : { customerConfirmationRequired: confirmation }),
  });
  expect(result.__typename, JSON.stringify(result)).toBe('SubmitTerminationSuccess');
  return result.termination!;
}

beforeAll(async () => {
  wf = new Workflow(run.server);
  // SO-2026-00001: purchase orders to cancel, reservations, the customer asked, supplier notices.
  const done = await wf.approveAndAccept((await submitted('SO-2026-00001', 'scan of the pages in one language')).id);
  expect(done.status).toBe('EFFECTIVE');
  effective = done.number;
  // SO-2026-00006: above the management threshold, waiting on the board.
  pending = (await submitted('SO-2026-00006', 'waiting on the board', false)).number;
}, 120_000);

async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () => ![...document.querySelectorAll('.el-loading-mask, .el-skeleton')].some((el) => (el as HTMLElement).offsetParent !== null),
    undefined,
    { timeout: UI_TIMEOUT },
  );
}

/**
 * Signs in through the login page (in the browser's Chinese) and waits until the app speaks the
 * user's own language, told by the sign-out button's name.
 */
async function signIn(name: string, email: string, signOut: string): Promise<Page> {
  const page = await (await run.session.context(name)).newPage();
  await page.goto('/login');
  await page.getByLabel(zh.login.email, { exact: true }).fill(email);
  const password = page.getByLabel(zh.login.password, { exact: true });
  await password.fill(PASSWORD);
  await password.press('Enter');
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByRole('button', { name: signOut }).waitFor();
  return page;
}

/**
 * The visible text nodes outside `[data-user-text]`, trimmed, each once. Text marked as another
 * language (`lang`, e.g. the language switch naming 中文 in Chinese) is left out: it says so.
 */
function systemTexts(page: Page, language: string): Promise<string[]> {
  return page.evaluate((language) => {
    const found = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.replace(/\s+/g, ' ').trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('[data-user-text], script, style, noscript')) continue;
      const marked = parent.closest('[lang]');
      if (marked && marked !== document.documentElement && !marked.getAttribute('lang')!.startsWith(language)) continue;
      if (!parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      found.add(text);
    }
    return [...found];
  }, language);
}

/** The pages to scan: paths, and for some a step that brings the part to look at on screen. */
interface Stop {
  path: string;
  then?: (page: Page) => Promise<void>;
}

const TERMINATION_TABS = ['approvals', 'impact', 'customer', 'followUps', 'attachments', 'comments', 'audit'];
const ORDER_TABS = ['lines', 'contract', 'purchaseOrders', 'reservations', 'shipments', 'finance'];

function clerkStops(): Stop[] {
  return [
    { path: '/' },
    { path: '/orders' },
    ...ORDER_TABS.map((tab) => ({ path: `/orders/SO-2026-00001?tab=${tab}` })),
    { path: '/orders/SO-2026-00003?tab=shipments' },
    { path: '/terminations' },
    ...TERMINATION_TABS.map((tab) => ({ path: `/terminations/${effective}?tab=${tab}` })),
    { path: `/terminations/${pending}?tab=impact` },
    { path: '/follow-ups' },
    { path: '/notifications' },
    {
      // The wizard's impact step, for an order with goods in transit.
      path: '/orders/SO-2026-00003/terminate',
      then: async (page) => {
        await page.locator('.reason .el-select').click();
        await page
          .getByRole('option', { name: /^Customer/ })
          .first()
          .click();
        await page.locator('.explanation-item textarea').fill('scan');
        await page.getByRole('button', { name: en.wizard.toImpact }).click();
        await page.getByRole('region', { name: en.department.WAREHOUSE }).waitFor();
      },
    },
  ];
}

function headStops(): Stop[] {
  return [
    { path: '/' },
    { path: '/board' },
    { path: '/follow-ups' },
    { path: '/notifications' },
    { path: '/terminations' },
    ...TERMINATION_TABS.map((tab) => ({ path: `/terminations/${effective}?tab=${tab}` })),
  ];
}

/** Visits each stop and lists "path: text" for every system text `offends` flags. */
async function scan(page: Page, language: string, stops: Stop[], offends: (text: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const stop of stops) {
    await page.goto(stop.path);
    await settled(page);
    await stop.then?.(page);
    await settled(page);
    for (const text of await systemTexts(page, language)) if (offends(text)) found.push(`${stop.path}: ${text}`);
  }
  // A page that failed to load shows an error, not its text: that would pass the scan unseen.
  expect(run.session.errors, run.session.errors.join('\n')).toEqual([]);
  return found;
}

/** Every leaf string of a message catalogue. */
function leaves(messages: object): string[] {
  return Object.values(messages).flatMap((value) => (typeof value === 'string' ? [value] : leaves(value as object)));
}

/**
 * English texts of our catalogue that a Chinese page must not show: whole sentences or phrases of
 * two or more words, without placeholders, which the Chinese catalogue does not use as well.
 */
const ENGLISH_ONLY = new Set(
  leaves(en).filter((text) => /^[A-Za-z][A-Za-z' ,.:;!?-]*[a-z][A-Za-z' ,.:;!?-]* [A-Za-z]/.test(text) && !/[{}|@]/.test(text)),
);
for (const text of leaves(zh)) ENGLISH_ONLY.delete(text);

describe('one language per person', () => {
  it('an English-speaking clerk sees no Chinese system text', { timeout: 600_000 }, async () => {
    await setLanguage('clerk@example.com', 'EN');
    const page = await signIn('clerk', 'clerk@example.com', en.app.signOut);
    const found = await scan(page, 'en', clerkStops(), (text) => HAN.test(text));
    expect(found, `Chinese system text on English pages:\n${found.join('\n')}`).toEqual([]);
  });

  it('an English-speaking head of sales sees no Chinese system text', { timeout: 600_000 }, async () => {
    await setLanguage('sales.head@example.com', 'EN');
    const page = await signIn('sales head', 'sales.head@example.com', en.app.signOut);
    const found = await scan(page, 'en', headStops(), (text) => HAN.test(text));
    expect(found, `Chinese system text on English pages:\n${found.join('\n')}`).toEqual([]);
  });

  it('a Chinese-speaking head of finance sees none of our English texts', { timeout: 600_000 }, async () => {
    expect(ENGLISH_ONLY.size).toBeGreaterThan(100);
    await setLanguage('finance.head@example.com', 'ZH_CN');
    const page = await signIn('finance head', 'finance.head@example.com', zh.app.signOut);
    const found = await scan(page, 'zh', headStops(), (text) => ENGLISH_ONLY.has(text));
    expect(found, `English catalogue text on Chinese pages:\n${found.join('\n')}`).toEqual([]);
  });
});
