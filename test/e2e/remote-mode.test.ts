// The built renderer in Debian Chromium through the browser twin, remote mode: an in-process SSH
// server and a real remote gateway process (with a local model server). The user fills in the SSH
// fields, trusts the host key in the dialog, chats; the tunnel drops in the middle of a streamed reply;
// a changed host key brings up the warning.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { startGateway, type RunningGateway } from '../support/gateway';
import { startModelServer, type ModelServer } from '../support/model-servers';
import { generateKeyPair, startSshServer, type TestSshServer } from '../support/ssh-server';
import { browserPerFile, E2E_TIMEOUT_MS, openPage, providerConfig, recordStatusTexts, screenshot, startTwin, tempHome, unusedPort, waitForStatus, type TempHome } from './harness';

const missing = chromiumMissing();
const { browser, cleanups } = browserPerFile(missing);

interface RemoteRig {
  page: Page;
  model: ModelServer;
  ssh: TestSshServer;
  gateway: RunningGateway;
  home: TempHome;
}

/** A remote gateway behind an SSH server, and a twin whose user has not configured anything yet. */
async function remoteRig(): Promise<RemoteRig> {
  const model = await startModelServer({ api: 'openai', delayMs: 20 });
  cleanups.push(() => model.close());
  const gateway = await startGateway({ config: providerConfig(model.baseUrl), env: { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '' } });
  cleanups.push(() => gateway.stop());
  // Remote help runs commands over SSH; the test server runs none, so it answers as the remote host would.
  const remoteConfig = JSON.stringify({ gateway: { port: gateway.port, auth: { token: gateway.token } } });
  const ssh = await startSshServer({
    execReply: (command) =>
      command.startsWith('cat ') ? { stdout: remoteConfig } : command.startsWith('tail ') ? { stdout: 'gateway listening on 127.0.0.1\nhealth ok\n' } : { stdout: `exec: ${command}\n` },
  });
  cleanups.push(() => ssh.stop());
  const home = tempHome({}, { CLAWDBOT_GATEWAY_PORT: String(await unusedPort()) });
  cleanups.push(() => home.cleanup());
  const twin = await startTwin(home.env);
  cleanups.push(() => twin.stop());
  const page = await openPage(browser(), twin.url);
  cleanups.push(() => page.close());
  return { page, model, ssh, gateway, home };
}

function knownHostsPath(home: TempHome): string {
  return join(home.home, '.ssh', 'known_hosts');
}

/** What a user types into Settings for remote mode; Save is left to the caller. */
async function fillRemoteSettings(rig: RemoteRig): Promise<void> {
  const { page, ssh, gateway } = rig;
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Remote over SSH' }).check();
  await page.getByRole('textbox', { name: 'SSH target' }).fill(`tester@127.0.0.1:${ssh.port}`);
  await expect.poll(() => page.locator('#ssh-target-preview').textContent()).toMatch(/127\.0\.0\.1/);
  await page.getByRole('textbox', { name: 'Identity file' }).fill(ssh.clientKeyPath);
  // Its own known_hosts: OpenSSH's ~ is the passwd home, not $HOME, so the default would be the real one.
  await page.getByRole('textbox', { name: 'Known hosts file' }).fill(knownHostsPath(rig.home));
  await page.getByRole('textbox', { name: 'Remote gateway port' }).fill(String(gateway.port));
  await page.getByRole('textbox', { name: 'Local port' }).fill(String(await unusedPort()));
  await page.getByRole('textbox', { name: 'Gateway token' }).fill(gateway.token as string);
}

async function connectTrustingHost(rig: RemoteRig): Promise<void> {
  const { page, ssh } = rig;
  await fillRemoteSettings(rig);
  await page.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByRole('dialog', { name: /^Trust the SSH host/ });
  await dialog.waitFor({ timeout: 30_000 });
  expect(await dialog.textContent()).toContain(ssh.hostKey.fingerprint);
  await screenshot(page, 'host-key-new');
  await dialog.getByRole('button', { name: 'Accept' }).click();
  await waitForStatus(page, /^Connected/);
}

async function chat(page: Page, text: string): Promise<void> {
  await page.getByRole('tab', { name: 'WebChat' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

describe.skipIf(missing)(`the renderer through the browser twin, remote mode${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('connects over SSH after the user trusts the host key, passes Test remote, shows health, and chats', { timeout: E2E_TIMEOUT_MS }, async () => {
    const rig = await remoteRig();
    const { page } = rig;
    await connectTrustingHost(rig);

    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Test remote' }).click();
    const results = page.getByRole('list', { name: 'Test remote results' });
    await results.waitFor({ timeout: 30_000 });
    const layers = await results.locator('li').allTextContents();
    expect(layers.length).toBeGreaterThanOrEqual(5);
    expect(layers.every((l) => l.includes('passed'))).toBe(true);
    await page.setViewportSize({ width: 1100, height: 1400 }); // the whole form in one picture
    await page.getByRole('tabpanel', { name: 'Settings' }).evaluate((el) => el.scrollTo(0, 0));
    await screenshot(page, 'settings-remote');
    await page.setViewportSize({ width: 1100, height: 720 });

    await page.getByRole('tab', { name: 'Health' }).click();
    expect(await page.getByRole('tabpanel', { name: 'Health' }).textContent()).toContain(`tester@127.0.0.1`);

    await chat(page, 'Hello over SSH');
    const reply = page.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => reply.textContent(), { timeout: 30_000 }).toContain('Hello from the mock model.');
    expect(await reply.count()).toBe(1);

    // Remote help over the same SSH session: nothing runs on the remote host before the user confirms.
    await page.getByRole('tab', { name: 'Settings' }).click();
    const help = page.getByRole('region', { name: 'Remote help' });
    await help.getByRole('button', { name: 'Read port and token from the remote' }).click();
    await help.getByRole('group', { name: 'Confirm remote command' }).waitFor();
    expect(rig.ssh.execLog.filter((c) => c.startsWith('cat '))).toEqual([]);
    await help.getByRole('button', { name: 'Run it' }).click();
    await expect.poll(() => help.textContent(), { timeout: 30_000 }).toContain(`Saved from the remote config: port ${rig.gateway.port}, the token.`);
    expect(rig.ssh.execLog.filter((c) => c.startsWith('cat '))).toHaveLength(1);
    await help.getByRole('button', { name: "Show the remote gateway's log" }).click();
    await help.getByRole('button', { name: 'Run it' }).click();
    await expect.poll(() => help.getByRole('region', { name: 'Remote gateway log' }).textContent(), { timeout: 30_000 }).toContain('health ok');
    await screenshot(page, 'settings-remote-help');
  });

  it('finishes a reply whose tunnel dropped mid-stream, showing each message once', { timeout: E2E_TIMEOUT_MS }, async () => {
    const rig = await remoteRig();
    const { page, model, ssh } = rig;
    await connectTrustingHost(rig);

    const pieces = ['One', ' two', ' three', ' four', ' five', ' six', ' seven', ' eight.'];
    model.set({ pieces, delayMs: 300 });
    await chat(page, 'Count slowly');
    const reply = page.getByRole('article', { name: 'Assistant message' });
    await expect.poll(() => reply.textContent(), { timeout: 30_000 }).toMatch(/One/);
    expect(await reply.textContent()).not.toContain('eight.');

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('a draft typed during the drop');
    const statusTexts = await recordStatusTexts(page);
    ssh.dropSessions();
    await expect.poll(() => reply.textContent(), { timeout: 60_000 }).toContain('One two three four five six seven eight.');
    await waitForStatus(page, /^Connected/);
    // The drop was real: the user was told, and then told it was back.
    expect((await statusTexts()).some((t) => /^(Reconnecting|Disconnected|Degraded|Connecting)/.test(t))).toBe(true);
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(1);
    expect(await reply.count()).toBe(1);
    expect(await box.inputValue()).toBe('a draft typed during the drop');
    await screenshot(page, 'webchat-after-tunnel-drop');

    // The link is back: the next message goes out and comes back once too.
    model.set({ pieces: ['Still here.'], delayMs: 5 });
    await chat(page, 'Still there?');
    await expect.poll(() => reply.count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => reply.nth(1).textContent(), { timeout: 30_000 }).toContain('Still here.');
    expect(await page.getByRole('article', { name: 'Your message' }).count()).toBe(2);
  });

  it('warns about a changed host key, with Reject focused, and Escape rejects', { timeout: E2E_TIMEOUT_MS }, async () => {
    const rig = await remoteRig();
    const { page, ssh, home } = rig;
    const impostor = generateKeyPair('old-host');
    appendFileSync(knownHostsPath(home), `[127.0.0.1]:${ssh.port} ${impostor.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
    await fillRemoteSettings(rig);
    await page.getByRole('button', { name: 'Save' }).click();

    const warning = page.getByRole('alertdialog', { name: /host key for .* has changed/ });
    await warning.waitFor({ timeout: 30_000 });
    const text = (await warning.textContent()) ?? '';
    expect(text).toContain(ssh.hostKey.fingerprint);
    expect(text).toContain(impostor.fingerprint);
    expect(await warning.getByRole('button', { name: 'Reject' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'host-key-changed');

    await page.keyboard.press('Escape');
    await warning.waitFor({ state: 'detached' });
    expect(await waitForStatus(page, /^(Failed|Disconnected|Reconnecting|Connecting)/)).not.toMatch(/^Connected/);
  });
});
