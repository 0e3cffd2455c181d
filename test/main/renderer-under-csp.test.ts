// The built renderer under the shell's real response path (resolver, headers, CSP), in Debian Chromium
// with a stand-in for the preload's window.clawdbot: it must render without a single CSP violation.
// Electron serves it from app://renderer; here the same serveRendererFile answers over loopback HTTP,
// where 'self' means the same thing (the page's own origin).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { serveRendererFile } from '../../src/main/app-protocol';
import { buildContentSecurityPolicy } from '../../src/main/csp';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { chromiumMissing, launchChromium } from '../support/browser';
import { makeState } from './fake-core';

const rendererRoot = join('dist', 'renderer');
const skipReason = chromiumMissing() ?? (existsSync(join(rendererRoot, 'index.html')) ? null : 'dist/renderer is not built (npm test builds it first)');

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (skipReason) return;
  server = createServer((req, res) => {
    void serveRendererFile(`app://renderer${req.url ?? '/'}`, rendererRoot, buildContentSecurityPolicy([18789])).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe.skipIf(skipReason !== null)('the renderer under the shell’s CSP', () => {
  it('renders every view with no CSP violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    await page.addInitScript(
      ({ state, settings }) => {
        const violations: string[] = [];
        Object.assign(window, { __cspViolations: violations });
        document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
        const answers: Record<string, unknown> = { getState: state, getSettings: settings, chatListSessions: [], chatHistory: [], getLogs: [], testRemote: [] };
        // What the preload exposes in Electron: call and on, nothing else.
        Object.assign(window, {
          clawdbot: Object.freeze({
            call: async (name: string) => (name in answers ? answers[name] : null),
            on: () => () => undefined,
          }),
        });
      },
      { state: makeState(), settings: DEFAULT_SETTINGS },
    );
    for (const view of ['chat', 'health', 'settings', 'logs']) {
      await page.goto(`${origin}/index.html#${view}`);
      await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, undefined, { timeout: 10_000 });
      await page.waitForTimeout(200);
      const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
      expect([...violations, ...problems], view).toEqual([]);
    }
    const response = await page.goto(`${origin}/index.html`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  }, 60_000);
});
