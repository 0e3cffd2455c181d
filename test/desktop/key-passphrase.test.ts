// The passphrase of an encrypted identity file, kept as a secret: a real key from ssh-keygen, the
// in-process SSH server and a real remote gateway. Without the passphrase (or with a wrong one) remote
// mode stops in failed and says what to do in Settings; with it, the tunnel comes up. The passphrase
// never shows in the state, the diagnostics, the settings file, the config file or the app log.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyPassphraseAnswer } from '../../src/desktop/key-passphrase';
import { createFileSecretStore } from '../../src/desktop/node-secret-store';
import { createNodeKeyValueStore } from '../../src/desktop/node-settings-store';
import type { DesktopCore } from '../../src/desktop/ports';
import { SECRET_NAMES, desktopDir, desktopLogFile } from '../../src/desktop/settings-schema';
import type { ErrorInfo } from '../../src/shared/errors';
import { startGateway, type RunningGateway } from '../support/gateway';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { freePort, isHealthy, tempEnv, testCore, waitForState, type TempEnv } from './helpers';

const PASSPHRASE = 'Key-Passphrase-4f1c';

let t: TempEnv | undefined;
let core: DesktopCore | undefined;
let remoteGateway: RunningGateway | undefined;
let ssh: TestSshServer | undefined;

afterEach(async () => {
  await core?.shutdown();
  await remoteGateway?.stop();
  await ssh?.stop();
  t?.cleanup();
  core = t = remoteGateway = ssh = undefined;
});

/** An ed25519 key encrypted with PASSPHRASE, as a user makes it. */
function encryptedKey(dir: string): { path: string; publicKey: string } {
  const path = join(dir, 'id_encrypted');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'encrypted-test', '-f', path]);
  return { path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/** Every file the app keeps under its state dir (settings, secrets aside, logs, state snapshot) plus the config file. */
function filesThatMustNotHoldIt(env: TempEnv): string[] {
  const dir = desktopDir(env.stateDir);
  const secrets = createFileSecretStore(env.stateDir).path;
  const files = [createNodeKeyValueStore(env.stateDir).path, desktopLogFile(env.stateDir), env.configPath];
  for (const name of readdirSync(dir)) if (join(dir, name) !== secrets && name.endsWith('.json')) files.push(join(dir, name));
  return [...new Set(files)].filter((f) => existsSync(f));
}

describe('SSH key passphrase', () => {
  it('fails with a Settings hint without the passphrase and with a wrong one, connects once it is saved, and never shows it', async () => {
    remoteGateway = await startGateway();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(t.home, { recursive: true });
    const key = encryptedKey(t.root);
    ssh = await startSshServer({ authorizedKeys: [key.publicKey] });
    const knownHosts = join(t.root, 'known_hosts');
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
    core = testCore(t);
    await core.call('saveSettings', {
      remote: { target: `tester@127.0.0.1:${ssh.port}`, identityFile: key.path, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: remoteGateway.port, localPort: await freePort() },
      gatewayToken: remoteGateway.token as string,
    });

    await core.call('setMode', { mode: 'remote' });
    const missing = await waitForState(core, (s) => s.phase === 'failed', 'failed without the passphrase');
    expect(missing.lastError?.errorClass).toBe('SshAuthFailed');
    expect(missing.lastError?.hint).toContain(`The key ${key.path} is encrypted: enter its passphrase in Settings`);
    expect(ssh.logins).toEqual([]);
    const testLayers = await core.call('testRemote', undefined);
    expect(testLayers.find((l) => l.layer === 'ssh-auth')).toMatchObject({ status: 'fail', hint: expect.stringContaining('enter its passphrase in Settings') });

    let settings = await core.call('saveSettings', { keyPassphrase: 'not-the-passphrase' });
    expect(settings.hasKeyPassphrase).toBe(true);
    const wrong = await waitForState(core, (s) => s.phase === 'failed' && s.lastError?.hint.includes('is wrong') === true, 'failed with a wrong passphrase');
    expect(wrong.lastError?.errorClass).toBe('SshAuthFailed');
    expect(wrong.lastError?.hint).toBe(`The passphrase for ${key.path} is wrong: enter it again in Settings (Key passphrase).`);

    settings = await core.call('saveSettings', { keyPassphrase: PASSPHRASE });
    expect(settings.hasKeyPassphrase).toBe(true);
    const ready = await waitForState(core, isHealthy, 'healthy with the passphrase');
    expect(ready.remote?.tunnelState).toBe('ready');
    expect(ssh.logins).toContain('tester');
    expect((await core.call('testRemote', undefined)).find((l) => l.layer === 'ssh-auth')?.status).toBe('pass');

    // Kept through the SecretStore port, and nowhere else.
    expect(createFileSecretStore(t.stateDir).get(SECRET_NAMES.keyPassphrase)).toBe(PASSPHRASE);
    expect(JSON.stringify(settings)).not.toContain(PASSPHRASE);
    expect(JSON.stringify(core.getState())).not.toContain(PASSPHRASE);
    expect((await core.call('copyDiagnostics', undefined)).text).not.toContain(PASSPHRASE);
    expect((await core.call('copyDiagnostics', undefined)).text).toContain('key passphrase set: true');
    expect(JSON.stringify(await core.call('getLogs', { limit: 2000 }))).not.toContain(PASSPHRASE);
    await core.shutdown();
    core = undefined;
    const files = filesThatMustNotHoldIt(t);
    expect(files).toContain(desktopLogFile(t.stateDir));
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(PASSPHRASE);
  });

  it('unlocks an encrypted default key (~/.ssh/id_ed25519) when Settings name no identity file', async () => {
    remoteGateway = await startGateway();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(join(t.home, '.ssh'), { recursive: true, mode: 0o700 });
    const key = encryptedKey(t.root);
    writeFileSync(join(t.home, '.ssh', 'id_ed25519'), readFileSync(key.path), { mode: 0o600 });
    ssh = await startSshServer({ authorizedKeys: [key.publicKey] });
    const knownHosts = join(t.root, 'known_hosts');
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
    core = testCore(t);
    await core.call('saveSettings', {
      remote: { target: `tester@127.0.0.1:${ssh.port}`, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: remoteGateway.port, localPort: await freePort() },
      gatewayToken: remoteGateway.token as string,
    });
    await core.call('setMode', { mode: 'remote' });
    const missing = await waitForState(core, (s) => s.phase === 'failed', 'failed without the passphrase');
    expect(missing.lastError?.hint).toContain(`${join(t.home, '.ssh', 'id_ed25519')} is encrypted: enter its passphrase in Settings`);
    await core.call('saveSettings', { keyPassphrase: PASSPHRASE });
    await waitForState(core, isHealthy, 'healthy with the passphrase');
    expect(ssh.logins).toContain('tester');
  });

  it('is cleared with null', async () => {
    t = tempEnv();
    core = testCore(t);
    expect((await core.call('saveSettings', { keyPassphrase: PASSPHRASE })).hasKeyPassphrase).toBe(true);
    expect((await core.call('saveSettings', { keyPassphrase: null })).hasKeyPassphrase).toBe(false);
    expect(createFileSecretStore(t.stateDir).get(SECRET_NAMES.keyPassphrase)).toBeNull();
  });
});

describe('KeyPassphraseAnswer', () => {
  const refused: ErrorInfo = { errorClass: 'SshAuthFailed', message: 'refused', hint: 'ssh-add it', retryable: false };
  const env = { HOME: '/home/alice' };

  it('offers the stored passphrase once per login, only for the configured identity file', async () => {
    const answer = new KeyPassphraseAnswer('~/.ssh/id_box', env, () => PASSPHRASE);
    const ask = answer.callbacks.passphrase as NonNullable<KeyPassphraseAnswer['callbacks']['passphrase']>;
    expect(await ask({ path: '/home/alice/.ssh/id_other', attempt: 1, hop: 'a@b:22' })).toBeNull();
    expect(await ask({ path: '/home/alice/.ssh/id_box', attempt: 1, hop: 'a@b:22' })).toBe(PASSPHRASE);
    expect(answer.explain(refused)).toEqual(refused);
    // A second ask in the same login means the first answer was wrong: give up rather than repeat it.
    expect(await ask({ path: '/home/alice/.ssh/id_box', attempt: 2, hop: 'a@b:22' })).toBeNull();
    expect(answer.explain(refused).hint).toBe('The passphrase for /home/alice/.ssh/id_box is wrong: enter it again in Settings (Key passphrase).');
    expect(answer.explain({ ...refused, errorClass: 'TcpFailed' }).hint).toBe('ssh-add it');
  });

  it('without an identity file in Settings, unlocks the encrypted key the SSH config offers', async () => {
    const answer = new KeyPassphraseAnswer('', env, () => PASSPHRASE);
    const ask = answer.callbacks.passphrase as NonNullable<KeyPassphraseAnswer['callbacks']['passphrase']>;
    expect(await ask({ path: '/home/alice/.ssh/id_ed25519', attempt: 1, hop: 'a@b:22' })).toBe(PASSPHRASE);
    expect(await ask({ path: '/home/alice/.ssh/id_ed25519', attempt: 2, hop: 'a@b:22' })).toBeNull();
    expect(answer.explain(refused).hint).toBe('The passphrase for /home/alice/.ssh/id_ed25519 is wrong: enter it again in Settings (Key passphrase).');
  });

  it('without a stored passphrase, says where to enter it', async () => {
    const answer = new KeyPassphraseAnswer('/keys/id_box', env, () => null);
    const ask = answer.callbacks.passphrase as NonNullable<KeyPassphraseAnswer['callbacks']['passphrase']>;
    expect(await ask({ path: '/keys/id_box', attempt: 1, hop: 'a@b:22' })).toBeNull();
    expect(answer.explain(refused).hint).toMatch(/^The key \/keys\/id_box is encrypted: enter its passphrase in Settings/);
  });
});
