import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startApp, TestApp } from '../../support/app.js';
import { sqliteDriver } from '../../support/drivers.js';
import { ROOT } from '../../support/processes.js';

/** Debian's chromium (CHAT_TEST_CHROMIUM names another installed one); never a downloaded browser. */
export const CHROMIUM = process.env.CHAT_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumFound = existsSync(CHROMIUM);
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** describe() when Chromium is installed; otherwise describe.skip() and one line saying why. */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumFound) return describe(name, body);
  process.stderr.write(`SKIPPED: browser suite "${name}": no Chromium at ${CHROMIUM} (install the Debian package: apt-get install chromium)\n`);
  describe.skip(name, body);
}

interface TestBrowser {
  /** The context every open() shares (one browser profile: tabs share localStorage, as a user's do). */
  context: BrowserContext;
  /**
   * Every request a page made to anywhere but the server under test (blocked, and recorded here):
   * the console must load nothing from outside. Suites check it is empty after each test.
   */
  foreign: string[];
  /** A new tab that records dialogs, page errors and console errors. */
  open(url: string): Promise<WatchedPage>;
  /** A tab in a context of its own, with empty storage: a first visit. */
  openFirstVisit(url: string): Promise<WatchedPage>;
  /** Lets pages reach this origin too (a test's own page server: a chatbox on another site). */
  allow(origin: string): void;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  dialogs: string[];
  errors: string[];
  /** Every console message, its arguments as JSON values (what a page's console.log printed). */
  logs: ConsoleLine[];
}

export interface ConsoleLine {
  type: string;
  args: unknown[];
}

/** Headless Chromium allowed to reach `serverUrl` only (and the origins a test allows). */
async function launchBrowser(serverUrl: string): Promise<TestBrowser> {
  const hosts = new Set([new URL(serverUrl).host]);
  const local = (url: string) => !/^(?:https?|wss?):/.test(url) || hosts.has(new URL(url).host);
  const foreign: string[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    context.setDefaultTimeout(10_000);
    await context.route((url) => !local(url.href), async (route) => {
      foreign.push(route.request().url());
      await route.abort('blockedbyclient');
    });
    await context.routeWebSocket((url) => !local(url.href), async (socket) => {
      foreign.push(socket.url());
      await socket.close({ code: 1008, reason: 'foreign' });
    });
    return context;
  }

  async function openIn(context: BrowserContext, url: string): Promise<WatchedPage> {
    const page = await context.newPage();
    const watched: WatchedPage = { page, dialogs: [], errors: [], logs: [] };
    page.on('dialog', (dialog) => { watched.dialogs.push(dialog.message()); void dialog.dismiss(); });
    page.on('pageerror', (error) => watched.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') watched.errors.push(message.text());
      const line: ConsoleLine = { type: message.type(), args: [] };
      watched.logs.push(line); // in order; the values fill in as the page hands them over
      Promise.all(message.args().map((arg) => arg.jsonValue())).then((args) => { line.args = args; }, () => { line.args = [message.text()]; });
    });
    await page.goto(url);
    return watched;
  }

  const shared = await newContext();
  return {
    context: shared,
    foreign,
    open: (url) => openIn(shared, url),
    openFirstVisit: async (url) => openIn(await newContext(), url),
    allow: (origin) => { hosts.add(new URL(origin).host); },
    close: () => browser.close(),
  };
}

/** A browser suite's app and Chromium, started once per file; tabs from open() close after each test. */
export interface BrowserSuite {
  readonly t: TestApp;
  readonly browser: TestBrowser;
  open(url: string): Promise<WatchedPage>;
  openFirstVisit(url: string): Promise<WatchedPage>;
}

/**
 * Registers the hooks every browser suite needs: the real app on SQLite and Chromium once, and
 * after each test its tabs closed and a check that no page reached beyond the server.
 */
export function browserSuite(): BrowserSuite {
  let t: TestApp | undefined;
  let browser: TestBrowser | undefined;
  const tabs: WatchedPage[] = [];
  const tracked = async (opening: Promise<WatchedPage>) => {
    const tab = await opening;
    tabs.push(tab);
    return tab;
  };
  beforeAll(async () => {
    t = await startApp(sqliteDriver);
    browser = await launchBrowser(t.url);
  }, 60_000);
  afterEach(async () => {
    for (const tab of tabs.splice(0)) await tab.page.close();
    expect(browser!.foreign.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  return {
    get t() { return t!; },
    get browser() { return browser!; },
    open: (url) => tracked(browser!.open(url)),
    openFirstVisit: (url) => tracked(browser!.openFirstVisit(url)),
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The texts of the messages shown in a page's message list, in order. */
export const messageTexts = (page: Page) => page.locator('#messages li.msg .text').allTextContents();
