// End-to-end pieces: a temp HOME with every CLAWDBOT_* inside it, the browser twin
// (`node bin/clawdbot.js ui --port 0`, stopped by PID), a Chromium page on its URL, screenshots into
// test-artifacts/screenshots, and waiting on what the page shows (never on wall time).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../support/browser';
import { gatewayEnv, REPO_ROOT, spawnCli, waitForOutput } from '../support/gateway';

/** Real processes and a browser on a 2-core machine: generous, and never asserted. */
export const E2E_TIMEOUT_MS = 120_000;
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots');
export const DOCS_SCREENSHOT_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/** Gateway config for a local OpenAI-compatible model server (test/support/model-servers). */
export function providerConfig(baseUrl: string): Record<string, unknown> {
  return {
    models: { providers: { mock: { baseUrl, apiKey: 'sk-test-secret-key', api: 'openai-completions', models: [{ id: 'mock-1', name: 'Mock One', contextWindow: 16000 }] } } },
    agents: { defaults: { model: { primary: 'mock/mock-1' } } },
  };
}

export interface TempHome {
  root: string;
  home: string;
  stateDir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** HOME, the state dir and the config in a fresh temp dir; no provider keys from the developer's shell. */
export function tempHome(config: Record<string, unknown> = {}, extra: Record<string, string> = {}): TempHome {
  const root = mkdtempSync(join(tmpdir(), 'cbt-e2e-'));
  const home = join(root, 'home');
  const stateDir = join(home, '.clawdbot');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'known_hosts'), '', { mode: 0o600 });
  const configPath = join(stateDir, 'clawdbot.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  const env = gatewayEnv(home, stateDir, configPath, { CLAWDBOT_TEST_TIMERS: 'fast', ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', ...extra });
  for (const k of Object.keys(env)) if (k.startsWith('SSH_')) delete env[k];
  return { root, home, stateDir, configPath, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A port nothing listens on right now (the OS picks it), for settings that need a number up front. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Twin {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startTwin(env: NodeJS.ProcessEnv): Promise<Twin> {
  const proc = spawnCli(['ui', '--port', '0'], env);
  try {
    const m = await waitForOutput(proc, /UI ready: (http:\/\/\S+)/, 20_000);
    return {
      url: m[1]!,
      pid: proc.child.pid as number,
      output: proc.output,
      async stop() {
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          process.kill(proc.child.pid as number, 'SIGTERM');
          await proc.exited;
        }
      },
    };
  } catch (err) {
    if (proc.child.exitCode === null) process.kill(proc.child.pid as number, 'SIGKILL');
    await proc.exited;
    throw err;
  }
}

export async function openPage(browser: Browser, url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 }, colorScheme });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  await page.goto(url);
  try {
    await page.getByRole('status', { name: 'Gateway status' }).waitFor({ timeout: 20_000 });
  } catch (err) {
    // Usually dist/renderer missing (run `node scripts/build.mjs` first) or a script error.
    throw new Error(`the window did not render: ${problems.join('; ') || (err as Error).message}`);
  }
  return page;
}

/** The pictures the README shows (docs/screenshots); the rest stay test artifacts. */
const README_SCREENSHOTS = new Set(['webchat', 'webchat-dark', 'health', 'settings-remote', 'host-key-changed', 'logs', 'control-ui-webchat']);

/** Into test-artifacts/screenshots; with CLAWDBOT_UPDATE_SCREENSHOTS=1 the README's ones also into docs/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  if (process.env.CLAWDBOT_UPDATE_SCREENSHOTS === '1' && README_SCREENSHOTS.has(name)) {
    mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
    copyFileSync(path, join(DOCS_SCREENSHOT_DIR, `${name}.png`));
  }
}

/** Waits until the gateway status region's text matches (it starts with one of the status words). */
export async function waitForStatus(page: Page, pattern: RegExp, timeoutMs = 45_000): Promise<string> {
  const region = page.getByRole('status', { name: 'Gateway status' });
  await page.waitForFunction(
    ({ source, flags }) => {
      const el = document.querySelector('[role="status"][aria-label="Gateway status"]');
      return el !== null && new RegExp(source, flags).test(el.textContent ?? '');
    },
    { source: pattern.source, flags: pattern.flags },
    { timeout: timeoutMs },
  );
  return (await region.textContent()) ?? '';
}

/** Starts keeping every text the gateway status region shows, to check later what the user saw. */
export async function recordStatusTexts(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const el = document.querySelector('[role="status"][aria-label="Gateway status"]')!;
    const seen: string[] = [el.textContent ?? ''];
    (window as unknown as { statusTexts: string[] }).statusTexts = seen;
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
}

export type Cleanup = () => Promise<unknown> | unknown;

/**
 * One Chromium for the test file (none when `missing` says why it cannot run) and a list of cleanups
 * that run after each test, last registered first, so every process and page a test starts is stopped.
 */
export function browserPerFile(missing: string | null): { browser: () => Browser; cleanups: Cleanup[] } {
  let browser: Browser | undefined;
  const cleanups: Cleanup[] = [];
  beforeAll(async () => {
    if (!missing) browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });
  return {
    browser: () => {
      if (!browser) throw new Error('Chromium is not running (see the skip reason)');
      return browser;
    },
    cleanups,
  };
}
