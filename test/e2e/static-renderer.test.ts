// The built renderer (dist/renderer) in Chromium with an in-memory DesktopApi injected as
// window.clawdbot, as Electron's preload does: no twin, no gateway. Checks what only a real browser
// shows: the virtualized 2,000-message history, keyboard use, the system dark theme, and the CSP.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../support/browser';
import { REPO_ROOT } from '../support/gateway';
import { installFakePreload, type FakePreloadOptions } from './fake-preload';
import { screenshot } from './harness';

const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

const missing = chromiumMissing() ?? (existsSync(join(RENDERER_DIR, 'app.js')) ? null : 'dist/renderer is not built (node scripts/build.mjs)');
let browser: Browser | undefined;
let server: Server | undefined;
let baseUrl = '';

async function openWithFakePreload(
  preload: FakePreloadOptions,
  colorScheme: 'light' | 'dark' = 'light',
  viewport = { width: 1000, height: 700 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport, colorScheme });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.addInitScript(installFakePreload, preload);
  await page.goto(`${baseUrl}/index.html`);
  await page.getByRole('status', { name: 'Gateway status' }).waitFor();
  return { page, errors };
}

beforeAll(async () => {
  if (missing) return;
  browser = await launchChromium();
  // Serves dist/renderer with a CSP stricter than the shell's: no inline script or style at all.
  server = createServer((req, res) => {
    const file = join(RENDERER_DIR, normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe.skipIf(missing)(`the built renderer with an in-memory DesktopApi${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('keeps a 2,000-message history virtualized and scrolls to its first message', async () => {
    const { page, errors } = await openWithFakePreload({ historySize: 2000 });
    const replies = page.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => replies.last().textContent()).toContain('Reply 1999');
    const inDom = await page.getByRole('article').count();
    expect(inDom).toBeGreaterThan(0);
    expect(inDom).toBeLessThan(60);

    const scroller = page.getByRole('region', { name: 'Chat history' });
    for (let i = 0; i < 40 && !(await page.getByText('Question 0', { exact: true }).count()); i += 1) {
      await scroller.evaluate((el) => el.scrollBy(0, -el.scrollHeight));
      await page.waitForTimeout(30); // let the virtualizer measure the rows now in view
    }
    await page.getByText('Question 0', { exact: true }).waitFor();
    expect(await page.getByRole('article').count()).toBeLessThan(60);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works from the keyboard alone: tabs with arrows, Enter sends', async () => {
    const { page, errors } = await openWithFakePreload({ historySize: 0 });
    await page.getByRole('tab', { name: 'WebChat' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Health' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('textbox', { name: 'Message' }).focus();
    await page.keyboard.type('typed, not clicked');
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Your message' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sentMessages: Array<{ text: string }> }).sentMessages.map((m) => m.text))).toEqual(['typed, not clicked']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works Settings from the keyboard alone: each field and button is a tab stop with its name, Enter on Save saves', async () => {
    const { page, errors } = await openWithFakePreload({ historySize: 0, mode: 'remote' });
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('textbox', { name: 'SSH target' }).waitFor();
    const focusedName = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement;
        return (el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? el.textContent ?? '').trim();
      });
    const stops: string[] = [];
    for (let i = 0; i < 30 && stops.at(-1) !== 'Save'; i += 1) {
      await page.keyboard.press('Tab');
      stops.push(await focusedName());
      if (stops.at(-1) === 'Local port') await page.keyboard.type('38789');
    }
    expect(stops).toEqual([
      'Remote over SSH',
      'SSH target',
      'Identity file',
      'Key passphrase',
      'Known hosts file',
      'Remote gateway port',
      'Local port',
      'Gateway token',
      'Gateway password',
      'Test remote',
      'Read port and token from the remote',
      'Is the remote gateway running?',
      'Start the remote gateway',
      'Restart the remote gateway',
      "Show the remote gateway's log",
      'Follow the system',
      'Save',
    ]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as { savedPatches: unknown[] }).savedPatches)).toEqual([{ remote: { localPort: 38789 } }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows the system dark theme under a strict CSP', async () => {
    const { page, errors } = await openWithFakePreload({ historySize: 6 }, 'dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(21, 23, 27)');
    await page.getByRole('tab', { name: 'Health' }).click();
    await screenshot(page, 'health-dark');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a narrow window (the tray may be 420 px wide): no view scrolls sideways, sessions stay at hand', async () => {
    const { page, errors } = await openWithFakePreload({ historySize: 6, mode: 'remote' }, 'light', { width: 420, height: 640 });
    const sideways = () =>
      page.evaluate(() => {
        const panel = document.querySelector('[role="tabpanel"]')!;
        return { page: document.documentElement.scrollWidth > window.innerWidth, panel: panel.scrollWidth > panel.clientWidth };
      });
    await page.getByRole('navigation', { name: 'Chat sessions' }).getByRole('button', { name: 'Notes' }).waitFor();
    expect(await sideways()).toEqual({ page: false, panel: false });
    for (const tab of ['Health', 'Settings', 'Logs']) {
      await page.getByRole('tab', { name: tab }).click();
      if (tab === 'Settings') {
        await page.getByRole('button', { name: 'Test remote' }).click();
        await page.getByRole('list', { name: 'Test remote results' }).waitFor();
        await screenshot(page, 'settings-remote-narrow');
      }
      expect(await sideways(), tab).toEqual({ page: false, panel: false });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
