// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { getByRole, queryByRole } from './by-role';
import { FakeDesktopApi, desktopState } from './fake-desktop-api';
import { click, renderApp, settle, typeInto, type Rendered } from './render-app';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

async function openSettings(api = new FakeDesktopApi()) {
  view = await renderApp({ api, view: 'settings' });
  return view;
}

describe('Settings', () => {
  it('offers where Clawdbot runs as a radio group', async () => {
    const { container } = await openSettings();
    const group = getByRole(container, 'group', { name: 'Clawdbot runs' });
    expect((getByRole(group, 'radio', { name: 'Not configured' }) as HTMLInputElement).checked).toBe(true);
    getByRole(group, 'radio', { name: 'Local (this machine)' });
    getByRole(group, 'radio', { name: 'Remote over SSH' });
    expect(queryByRole(container, 'textbox', { name: 'SSH target' })).toBeNull();
  });

  it('shows the remote fields with a live preview of the SSH target, and saves them', async () => {
    const { container, api } = await openSettings();
    await click(getByRole(container, 'radio', { name: 'Remote over SSH' }));
    await typeInto(getByRole(container, 'textbox', { name: 'SSH target' }), 'gpu-box');
    await settle(200);
    expect(container.textContent).toContain('Connects to root@gpu-box:22');
    await typeInto(getByRole(container, 'textbox', { name: 'Identity file' }), '~/.ssh/id_ed25519');
    await typeInto(getByRole(container, 'textbox', { name: 'Remote gateway port' }), '28789');
    await typeInto(getByRole(container, 'textbox', { name: 'Local port' }), '38789');
    await typeInto(getByRole(container, 'textbox', { name: 'Gateway token' }), 'tok');
    await click(getByRole(container, 'button', { name: 'Save' }));
    expect(api.callsOf('saveSettings')[0]).toEqual({
      mode: 'remote',
      remote: { target: 'gpu-box', identityFile: '~/.ssh/id_ed25519', remotePort: 28789, localPort: 38789 },
      gatewayToken: 'tok',
    });
    expect(container.textContent).toContain('Saved.');
    expect((getByRole(container, 'textbox', { name: 'Gateway token' }) as HTMLInputElement).value).toBe('');
  });

  it('saves a key passphrase as typed, then forgets it and only shows that one is saved', async () => {
    const { container, api } = await openSettings();
    await click(getByRole(container, 'radio', { name: 'Remote over SSH' }));
    await typeInto(getByRole(container, 'textbox', { name: 'SSH target' }), 'box');
    const passphrase = getByRole(container, 'textbox', { name: 'Key passphrase' }) as HTMLInputElement;
    expect(passphrase.type).toBe('password');
    expect(passphrase.placeholder).toBe('only if the key is encrypted');
    await typeInto(passphrase, ' two words ');
    await click(getByRole(container, 'button', { name: 'Save' }));
    expect(api.callsOf('saveSettings')[0]).toMatchObject({ keyPassphrase: ' two words ' });
    const after = getByRole(container, 'textbox', { name: 'Key passphrase' }) as HTMLInputElement;
    expect(after.value).toBe('');
    expect(after.placeholder).toBe('saved (leave empty to keep)');
  });

  it('previews the SSH target with the identity file typed in the form, as the brain describes it', async () => {
    const api = new FakeDesktopApi();
    // Like the brain: the key is resolved (here to an absolute path) and must exist.
    api.handle('previewSshTarget', ({ target, identityFile }) => {
      if (identityFile === '~/.ssh/gone') return { ok: false, description: 'No such identity file: /home/alice/.ssh/gone', error: 'No such identity file: /home/alice/.ssh/gone' };
      const key = identityFile ? `key ${identityFile.replace('~', '/home/alice')}` : 'ssh agent';
      return { ok: true, description: `alice@${target}.lan:2222 via jump1 (${key})`, user: 'alice', host: `${target}.lan`, port: 2222, proxyJump: ['jump1'] };
    });
    const { container } = await openSettings(api);
    const preview = () => container.querySelector('#ssh-target-preview');
    await click(getByRole(container, 'radio', { name: 'Remote over SSH' }));
    await typeInto(getByRole(container, 'textbox', { name: 'SSH target' }), 'box');
    await settle(200);
    expect(preview()?.textContent).toBe('Connects to alice@box.lan:2222 via jump1 (ssh agent)');
    expect(api.callsOf('previewSshTarget')).toEqual([{ target: 'box' }]);

    await typeInto(getByRole(container, 'textbox', { name: 'Identity file' }), ' ~/.ssh/box_ed25519 ');
    await settle(200);
    expect(api.callsOf('previewSshTarget').at(-1)).toEqual({ target: 'box', identityFile: '~/.ssh/box_ed25519' });
    expect(preview()?.textContent).toBe('Connects to alice@box.lan:2222 via jump1 (key /home/alice/.ssh/box_ed25519)');

    await typeInto(getByRole(container, 'textbox', { name: 'Identity file' }), '~/.ssh/gone');
    await settle(200);
    expect(preview()?.textContent).toBe('No such identity file: /home/alice/.ssh/gone');
    expect(preview()?.className).toBe('preview preview-error');
  });

  it('runs Test remote and shows each layer with pass or fail and its hint', async () => {
    const api = new FakeDesktopApi();
    api.settings = { ...api.settings, mode: 'remote', remote: { ...api.settings.remote, target: 'box' } };
    api.handle('testRemote', () => [
      { layer: 'dns', label: 'Name resolution', status: 'pass', message: 'box is 10.0.0.2' },
      { layer: 'tcp', label: 'TCP', status: 'fail', message: 'connection refused', hint: 'Is sshd running on box?' },
      { layer: 'ssh-handshake', label: 'SSH handshake', status: 'skipped', message: 'not tried' },
    ]);
    const { container } = await openSettings(api);
    await typeInto(getByRole(container, 'textbox', { name: 'Identity file' }), '~/.ssh/box');
    await click(getByRole(container, 'button', { name: 'Test remote' }));
    const results = getByRole(container, 'list', { name: 'Test remote results' });
    const items = results.querySelectorAll('li');
    expect(Array.from(items, (li) => li.textContent)).toEqual([
      '✓Name resolutionpassedbox is 10.0.0.2',
      '✗TCPfailedconnection refusedIs sshd running on box?',
      '–SSH handshakeskippednot tried',
    ]);
    // The test runs against saved settings: the edited field was saved first, the mode left alone.
    expect(api.callsOf('saveSettings')).toEqual([{ remote: { identityFile: '~/.ssh/box' } }]);
  });

  it('says why a port is refused', async () => {
    const api = new FakeDesktopApi();
    api.settings = { ...api.settings, mode: 'remote', remote: { ...api.settings.remote, target: 'box' } };
    const { container } = await openSettings(api);
    await typeInto(getByRole(container, 'textbox', { name: 'Local port' }), 'abc');
    await click(getByRole(container, 'button', { name: 'Save' }));
    expect(getByRole(container, 'alert').textContent).toBe('Local port must be a number from 1 to 65535.');
    expect(getByRole(container, 'textbox', { name: 'Local port' }).getAttribute('aria-invalid')).toBe('true');
    expect(api.callsOf('saveSettings')).toHaveLength(0);
  });

  it('applies the saved theme to the document', async () => {
    const { container } = await openSettings();
    await click(getByRole(container, 'radio', { name: 'Dark' }));
    await click(getByRole(container, 'button', { name: 'Save' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    await click(getByRole(container, 'radio', { name: 'Follow the system' }));
    await click(getByRole(container, 'button', { name: 'Save' }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('runs remote help only after the user confirms what it will do', async () => {
    const api = new FakeDesktopApi();
    api.state = desktopState({ mode: 'remote', remote: { target: 'box', resolvedDescription: 'root@box:22', tunnelState: 'ready', localPort: 1, remotePort: 2, forwards: [] } });
    api.settings = { ...api.settings, mode: 'remote', remote: { ...api.settings.remote, target: 'box' } };
    api.handle('remoteReadGatewayConfig', () => {
      api.settings = { ...api.settings, remote: { ...api.settings.remote, remotePort: 28789 }, hasGatewayToken: true };
      return { port: 28789, hasToken: true, hasPassword: false, applied: true };
    });
    api.handle('remoteTailLog', () => ({ lines: ['line one', 'line two'] }));
    const { container } = await openSettings(api);
    const help = getByRole(container, 'region', { name: 'Remote help' });

    await click(getByRole(help, 'button', { name: 'Read port and token from the remote' }));
    expect(api.callsOf('remoteReadGatewayConfig')).toHaveLength(0);
    expect(getByRole(help, 'group', { name: 'Confirm remote command' }).textContent).toContain('~/.clawdbot/clawdbot.json');
    await click(getByRole(help, 'button', { name: 'Run it' }));
    expect(api.callsOf('remoteReadGatewayConfig')).toHaveLength(1);
    expect(help.textContent).toContain('Saved from the remote config: port 28789, the token.');
    expect((getByRole(container, 'textbox', { name: 'Remote gateway port' }) as HTMLInputElement).value).toBe('28789');

    await click(getByRole(help, 'button', { name: "Show the remote gateway's log" }));
    await click(getByRole(help, 'button', { name: 'Cancel' }));
    expect(api.callsOf('remoteTailLog')).toHaveLength(0);
    await click(getByRole(help, 'button', { name: "Show the remote gateway's log" }));
    await click(getByRole(help, 'button', { name: 'Run it' }));
    expect(getByRole(help, 'region', { name: 'Remote gateway log' }).textContent).toBe('line one\nline two');
  });
});
