// The gateway's own Control UI: a real gateway process serves the built renderer on its port, and the
// page (opened with the tokenized URL) chats and shows health over a direct GatewayClient.
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { startGateway } from '../support/gateway';
import { startModelServer } from '../support/model-servers';
import { browserPerFile, E2E_TIMEOUT_MS, openPage, providerConfig, screenshot, waitForStatus } from './harness';

const missing = chromiumMissing();
const { browser, cleanups } = browserPerFile(missing);

describe.skipIf(missing)(`the gateway's Control UI${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('opens from the tokenized URL, hides the token, shows WebChat and Health only, and chats', { timeout: E2E_TIMEOUT_MS }, async () => {
    const model = await startModelServer({ api: 'openai', delayMs: 20 });
    cleanups.push(() => model.close());
    const gateway = await startGateway({ config: providerConfig(model.baseUrl), env: { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '' } });
    cleanups.push(() => gateway.stop());
    const page = await openPage(browser(), `http://127.0.0.1:${gateway.port}/?token=${gateway.token}`);
    cleanups.push(() => page.close());

    expect(await waitForStatus(page, /^Connected/)).toMatch(/^Connected to the gateway/);
    expect(page.url()).not.toContain(gateway.token as string);
    expect(await page.getByRole('tab').allTextContents()).toEqual(['WebChat', 'Health']);

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello from the Control UI');
    await box.press('Enter');
    const reply = page.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => reply.textContent(), { timeout: 30_000 }).toContain('Hello from the mock model.');
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(1);
    await screenshot(page, 'control-ui-webchat');

    // A reload keeps the session (the token moved to sessionStorage) and shows the history once.
    await page.reload();
    await waitForStatus(page, /^Connected/);
    await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(1);

    await page.getByRole('tab', { name: 'Health' }).click();
    await page.getByRole('button', { name: 'Reconnect now' }).waitFor();
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Health' }).textContent(), { timeout: 10_000 }).toMatch(/Gateway version\d/);
    await screenshot(page, 'control-ui-health');
  });

  it('opened without a token, asks for it at once (no "device identity required"), then connects with it', { timeout: E2E_TIMEOUT_MS }, async () => {
    const gateway = await startGateway();
    cleanups.push(() => gateway.stop());
    const page = await openPage(browser(), `http://127.0.0.1:${gateway.port}/`);
    cleanups.push(() => page.close());
    const field = page.getByRole('textbox', { name: 'Gateway token' });
    await field.waitFor();
    expect(await waitForStatus(page, /^Disconnected/)).toBe('Disconnected: This page needs the gateway token.');
    expect(await page.getByRole('form', { name: 'Gateway token' }).textContent()).toContain('gateway.auth.token');
    expect(await page.locator('body').textContent()).not.toContain('device identity required');

    await field.fill(gateway.token as string);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitForStatus(page, /^Connected/);
  });

  it('says why when the token is wrong, and connects with the token pasted in', { timeout: E2E_TIMEOUT_MS }, async () => {
    const gateway = await startGateway();
    cleanups.push(() => gateway.stop());
    const page = await openPage(browser(), `http://127.0.0.1:${gateway.port}/?token=wrong-token`);
    cleanups.push(() => page.close());
    expect(await waitForStatus(page, /^Failed/)).toMatch(/^Failed/);
    await page.getByRole('tab', { name: 'Health' }).click();
    expect(await page.getByRole('alert', { name: 'Last error' }).textContent()).toMatch(/token/i);

    await page.getByRole('textbox', { name: 'Gateway token' }).fill(gateway.token as string);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await waitForStatus(page, /^Connected/);
  });
});
