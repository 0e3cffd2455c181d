// The built renderer in Debian Chromium through the browser twin, local mode: the user picks
// "Local (this machine)", the twin's brain starts a gateway, and WebChat talks to a local model server.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { startModelServer, type ModelServer } from '../support/model-servers';
import { browserPerFile, E2E_TIMEOUT_MS, openPage, providerConfig, screenshot, startTwin, tempHome, unusedPort, waitForStatus, type TempHome, type Twin } from './harness';

const missing = chromiumMissing();
const { browser, cleanups } = browserPerFile(missing);

async function twinWithModel(): Promise<{ page: Page; model: ModelServer; home: TempHome; twin: Twin }> {
  const model = await startModelServer({ api: 'openai', delayMs: 20 });
  cleanups.push(() => model.close());
  const home = tempHome(providerConfig(model.baseUrl), { CLAWDBOT_GATEWAY_PORT: String(await unusedPort()) });
  cleanups.push(() => home.cleanup());
  const twin = await startTwin(home.env);
  cleanups.push(() => twin.stop());
  const page = await openPage(browser(), twin.url);
  cleanups.push(() => page.close());
  return { page, model, home, twin };
}

describe.skipIf(missing)(`the renderer through the browser twin, local mode${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('switches to local mode, shows health, chats with the model, and tails the logs', { timeout: E2E_TIMEOUT_MS }, async () => {
    const { page, twin, model } = await twinWithModel();
    // A reply worth a screenshot: Markdown with a list and a code block.
    model.set({ pieces: ['Hello from the mock model. ', 'Here is **Markdown**:\n\n', '- a list item\n- `inline code`\n\n', '```js\nconsole.log("hi");\n```\n'] });
    expect(await waitForStatus(page, /^Not configured/)).toMatch(/^Not configured/);
    // The twin's own token stays in the address (only the Control UI moves its token out), so a
    // reload still works.
    expect(page.url()).toBe(twin.url);
    await page.reload();
    expect(await waitForStatus(page, /^Not configured/)).toMatch(/^Not configured/);

    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Local (this machine)' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await waitForStatus(page, /^Connected/);

    await page.getByRole('tab', { name: 'Health' }).click();
    await page.getByRole('img', { name: /^Latency over the last/ }).waitFor();
    // A few checks on demand, so the sparkline has a line to draw.
    for (let i = 0; i < 6; i += 1) await page.getByRole('button', { name: 'Check health' }).click();
    await page.getByRole('img', { name: /^Latency over the last ([4-9]|\d\d) checks/ }).waitFor();
    expect(await page.getByRole('tabpanel', { name: 'Health' }).textContent()).toMatch(/Gateway version\d/);
    await screenshot(page, 'health');

    await page.getByRole('tab', { name: 'WebChat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello mock, show me **Markdown**');
    await box.press('Enter');
    const reply = page.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => reply.textContent(), { timeout: 30_000 }).toContain('Hello from the mock model.');
    // The whole reply, rendered: the stream has ended (the article is no longer busy).
    await expect.poll(() => reply.getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    expect(await reply.locator('li code').textContent()).toBe('inline code');
    await reply.getByRole('button', { name: 'Copy code' }).waitFor();
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(1);
    expect(await reply.count()).toBe(1);
    expect(await box.inputValue()).toBe('');
    await screenshot(page, 'webchat');

    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Log lines' }).locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByRole('searchbox', { name: 'Filter logs' }).fill('gateway');
    await screenshot(page, 'logs');

    await page.getByRole('tab', { name: 'Settings' }).click();
    await screenshot(page, 'settings-local');

    // The twin goes away: the page says so instead of showing a stale "Connected".
    await twin.stop();
    await waitForStatus(page, /^Disconnected from the Clawdbot app/);
  });

  it('renders Markdown with a code block, never raw HTML, in the dark theme, and stops a slow reply', { timeout: E2E_TIMEOUT_MS }, async () => {
    const { page, model } = await twinWithModel();
    model.set({ pieces: ['Here:\n\n', '```sh\necho hi\n```\n\n', '<img src=x onerror="window.pwned=1"> **done**'] });
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Local (this machine)' }).check();
    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await waitForStatus(page, /^Connected/);
    await page.getByRole('tab', { name: 'WebChat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('code please');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => reply.textContent(), { timeout: 30_000 }).toContain('done');
    await reply.getByRole('button', { name: 'Copy code' }).waitFor();
    expect(await reply.locator('img').count()).toBe(0);
    expect(await reply.textContent()).toContain('<img src=x onerror="window.pwned=1">');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, 'webchat-dark');

    // Stop: a slow reply is aborted and says so where it stands.
    model.set({ pieces: Array.from({ length: 40 }, (_, i) => ` word${i}`), delayMs: 200 });
    await page.getByRole('textbox', { name: 'Message' }).fill('talk slowly');
    await page.getByRole('button', { name: 'Send' }).click();
    const second = reply.nth(1);
    await expect.poll(() => second.textContent(), { timeout: 30_000 }).toContain('word0');
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => second.textContent(), { timeout: 30_000 }).toContain('Stopped.');
    expect(await second.textContent()).not.toContain('word39');
  });
});
