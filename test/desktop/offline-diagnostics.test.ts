// `clawdbot diagnostics`: the bundle "Copy diagnostics" gives, made by the CLI from what the app saved
// (settings, its last state, its log), without starting a gateway or a tunnel and without writing.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLogTail } from '../../src/desktop/log-file';
import type { DesktopCore } from '../../src/desktop/ports';
import { CLI, REPO_ROOT } from '../support/gateway';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { freePort, tempEnv, testCore, waitForState, type TempEnv } from './helpers';

let t: TempEnv | undefined;
let core: DesktopCore | undefined;
let ssh: TestSshServer | undefined;

afterEach(async () => {
  await core?.shutdown();
  await ssh?.stop();
  t?.cleanup();
  t = core = ssh = undefined;
});

function diagnosticsCli(env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'diagnostics'], { env: env as NodeJS.ProcessEnv, cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under dir with its size and mtime, to prove nothing was written. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => {
    const s = statSync(join(dir, f));
    return `${f} ${s.size} ${s.mtimeMs}`;
  });
}

describe('clawdbot diagnostics', () => {
  it('prints the app\'s last state, resolved SSH settings, transitions and log tail, redacted, and starts and writes nothing', async () => {
    ssh = await startSshServer();
    t = tempEnv();
    const knownHosts = join(t.root, 'known_hosts');
    mkdirSync(t.home, { recursive: true });
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
    const token = 'remote-gateway-token-5f3a9c';
    core = testCore(t);
    await core.call('saveSettings', {
      remote: { target: `tester@127.0.0.1:${ssh.port}`, identityFile: ssh.clientKeyPath, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: await freePort(), localPort: await freePort() },
      gatewayToken: token,
    });
    await core.call('setMode', { mode: 'remote' });
    // Nothing listens on the remote port: SSH is up (the host key is checked), the gateway is down.
    await waitForState(core, (s) => s.remote?.tunnelState === 'gateway-down' && s.remote.hostKeyFingerprint !== undefined, 'the tunnel up, the gateway down');
    await core.shutdown();
    core = undefined;
    const logins = ssh.logins.length;
    const before = listing(t.stateDir);
    expect(readFileSync(join(t.stateDir, 'desktop', 'last-state.json'), 'utf8')).not.toContain(token);

    const r = diagnosticsCli(t.env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = r.stdout;
    expect(text).toMatch(/^# Clawdbot Desktop diagnostics\n/);
    expect(text).toContain('no gateway or tunnel was started');
    expect(text).toMatch(/the state below is the app's last, saved at \d{4}-/);
    expect(text).toContain('mode: remote');
    expect(text).toContain(`host key fingerprint: ${ssh.hostKey.fingerprint}`);
    expect(text).toContain(`target: tester@127.0.0.1:${ssh.port}`);
    expect(text).toContain(`resolved settings: {"alias":"127.0.0.1","user":"tester","hostName":"127.0.0.1","port":${ssh.port}`);
    expect(text).toContain('gateway token set: true');
    expect(text).toMatch(/## Transitions \(last [1-9]\d*\)\n.* remote\/connecting: /);
    expect(text).toMatch(/## Log tail \([1-9]\d* lines\)\n/);
    expect(text).toContain('[app] info: tunnel: ');
    expect(text).not.toContain(token);

    expect(listing(t.stateDir)).toEqual(before);
    expect(ssh.logins.length).toBe(logins);
  });

  it('works before the app ever ran, and counts secrets the Electron app keeps encrypted as set', () => {
    t = tempEnv();
    const desktop = join(t.stateDir, 'desktop');
    mkdirSync(desktop, { recursive: true });
    writeFileSync(join(desktop, 'desktop-settings.json'), JSON.stringify({ settingsVersion: 1, settings: { mode: 'local', localPort: 19999 } }));
    writeFileSync(join(desktop, 'secrets-safestorage.json'), JSON.stringify({ 'gateway.token': 'djEwAAAAencrypted==' }));
    const r = diagnosticsCli(t.env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('the app has saved no state here yet');
    expect(r.stdout).toContain('mode: local');
    expect(r.stdout).toContain('gateway token set: true');
    expect(r.stdout).toContain('## Transitions (last 0)');
  });

  it('reads the log back across rotation, with messages that span lines', () => {
    t = tempEnv();
    const log = join(t.root, 'desktop.log');
    writeFileSync(`${log}.1`, '2026-01-01T00:00:00.000Z [app] info: older\n');
    appendFileSync(log, '2026-01-01T00:00:01.000Z [gateway] error: first line\n  second line\n2026-01-01T00:00:02.000Z [app] warn: last\n');
    expect(readLogTail(log, 10).map((l) => `${l.source}/${l.level}: ${l.text}`)).toEqual(['app/info: older', 'gateway/error: first line\n  second line', 'app/warn: last']);
    expect(readLogTail(log, 1)).toEqual([{ ts: Date.parse('2026-01-01T00:00:02.000Z'), source: 'app', level: 'warn', text: 'last' }]);
  });
});
