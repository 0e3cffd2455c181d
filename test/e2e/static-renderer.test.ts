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
import { screenshot } from './harness';

const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

const missing = chromiumMissing() ?? (existsSync(join(RENDERER_DIR, 'app.js')) ? null : 'dist/renderer is not built (node scripts/build.mjs)');
let browser: Browser | undefined;
let server: Server | undefined;
let baseUrl = '';

/** Runs in the page before app.js: the preload's window.clawdbot, answering from memory. */
function installFakePreload(historySize: number): void {
  const listeners: Record<string, Array<(p: unknown) => void>> = {};
  const history = Array.from({ length: historySize }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    text: i % 2 ? `Reply **${i}**\n\n\`\`\`js\nconsole.log(${i});\n\`\`\`` : `Question ${i}`,
    timestamp: i,
    status: 'final',
  }));
  const state = {
    mode: 'local', phase: 'ready', statusText: 'Connected to the local gateway on port 18789', endpointUrl: 'ws://127.0.0.1:18789',
    health: { ok: true, checkedAt: 0, latencyMs: 3, latencyHistory: [4, 3, 5, 3, 6, 4, 3, 3, 4, 5], consecutiveMisses: 0, gatewayVersion: '0.1.0', uptimeMs: 5000, sessionCount: 1 },
    lastError: null, transitions: [], local: { port: 18789, adopted: false, restarts: 0 }, remote: null, hostKeyPrompt: null,
    gatewayConnected: true, warnings: [], version: '0.1.0',
  };
  const settings = {
    version: 1, mode: 'local', localPort: 18789, theme: 'system', startAtLogin: false, hasGatewayToken: false, hasGatewayPassword: false,
    remote: { target: '', identityFile: '', remotePort: 18789, localPort: null, hostKeyPolicy: 'ask', knownHostsFile: '', startGatewayIfDown: false, forwards: [] },
  };
  const sent: unknown[] = [];
  const answers: Record<string, (input: { clientMessageId?: string }) => unknown> = {
    getState: () => state,
    getSettings: () => settings,
    getLogs: () => [],
    chatListSessions: () => [{ key: 'agent:main:main', updatedAt: 1 }],
    chatHistory: () => history,
    chatSend: (input) => {
      sent.push(input);
      return { runId: input.clientMessageId };
    },
  };
  (window as unknown as { sentMessages: unknown[] }).sentMessages = sent;
  (window as unknown as { clawdbot: unknown }).clawdbot = {
    call: async (name: string, input: { clientMessageId?: string }) => {
      const answer = answers[name];
      if (!answer) throw { info: { errorClass: 'Internal', message: `${name} is not faked`, hint: '', retryable: false } };
      return answer(input);
    },
    on: (event: string, listener: (p: unknown) => void) => {
      (listeners[event] ??= []).push(listener);
      return () => undefined;
    },
  };
}

async function openWithFakePreload(historySize: number, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1000, height: 700 }, colorScheme });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.addInitScript(installFakePreload, historySize);
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
    const { page, errors } = await openWithFakePreload(2000);
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
    const { page, errors } = await openWithFakePreload(0);
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

  it('follows the system dark theme under a strict CSP', async () => {
    const { page, errors } = await openWithFakePreload(6, 'dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(21, 23, 27)');
    await page.getByRole('tab', { name: 'Health' }).click();
    await screenshot(page, 'health-dark');
    expect(errors).toEqual([]);
    await page.close();
  });
});
