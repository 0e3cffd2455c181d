// resolveTarget with our own ssh_config reader (useOpenSsh: false) and the behaviour around it:
// default file locations, Include, Match exec never run, overrides, errors, describeTarget.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClawdbotError } from '../../../src/shared/errors';
import { describeTarget, resolveTarget, type ResolveTargetOptions } from '../../../src/tunnel/ssh-config';
import { hasOpenSsh, tempConfigDir, type TempConfigDir } from './temp-config';

let tmp: TempConfigDir;
let home: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  tmp = tempConfigDir();
  home = path.join(tmp.dir, 'home');
  env = { HOME: home, PATH: process.env.PATH };
});
afterEach(() => tmp.remove());

function reader(extra: ResolveTargetOptions = {}): ResolveTargetOptions {
  return { env, useOpenSsh: false, systemConfigPath: path.join(tmp.dir, 'etc', 'ssh_config'), ...extra };
}

async function sshConfigFailure(promise: Promise<unknown>): Promise<ClawdbotError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ClawdbotError);
  expect((err as ClawdbotError).errorClass).toBe('SshConfig');
  return err as ClawdbotError;
}

describe('default config files', () => {
  it('uses its own reader in auto mode when HOME is not the passwd home, so ssh -G never touches another ~/.ssh', async () => {
    tmp.write('home/.ssh/config', 'Host box\n  HostName box.example.com\n  User fromhome\n');
    const r = await resolveTarget('box', { env, systemConfigPath: path.join(tmp.dir, 'etc', 'ssh_config') });
    expect(r).toMatchObject({ hostName: 'box.example.com', user: 'fromhome', source: 'ssh_config' });
    expect(r.userKnownHostsFiles[0]).toBe(`${home}/.ssh/known_hosts`);
  });

  it('reads ~/.ssh/config first, then the system file, with relative Includes from ~/.ssh and the system folder', async () => {
    tmp.write('home/.ssh/config', 'Include config.d/*\nHost box\n  User fromuser\n');
    tmp.write('home/.ssh/config.d/a', 'Host box\n  HostName box.example.com\n');
    tmp.write('etc/ssh_config', 'Include sys.d/*.conf\nHost *\n  User fromsystem\n  Port 2222\n');
    tmp.write('etc/sys.d/x.conf', 'Host box\n  ServerAliveInterval 9\n');
    const r = await resolveTarget('box', reader());
    expect(r).toMatchObject({ hostName: 'box.example.com', user: 'fromuser', port: 2222, serverAliveIntervalMs: 9000, source: 'ssh_config' });
    expect(r.identityFiles).toEqual([`${home}/.ssh/id_ed25519`, `${home}/.ssh/id_ecdsa`, `${home}/.ssh/id_rsa`]);
    expect(r.userKnownHostsFiles).toEqual([`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`]);
    expect(r.globalKnownHostsFiles).toEqual(['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
  });

  it('is "literal" with OpenSSH defaults and our keepalive when no config exists', async () => {
    const r = await resolveTarget('alice@10.0.0.7:2200', reader());
    expect(r).toMatchObject({
      alias: '10.0.0.7', hostName: '10.0.0.7', user: 'alice', port: 2200, source: 'literal', jumps: [],
      strictHostKeyChecking: 'ask', serverAliveIntervalMs: 5000, serverAliveCountMax: 3, identitiesOnly: false,
    });
    expect(r.connectTimeoutMs).toBeUndefined();
    expect(r.identityAgent).toBeUndefined();
  });

  it('refuses a missing -F file', async () => {
    await sshConfigFailure(resolveTarget('box', reader({ sshConfigPath: path.join(tmp.dir, 'nope') })));
  });
});

describe('Match exec', () => {
  it('never runs the command and treats the block as not matching', async () => {
    const marker = path.join(tmp.dir, 'exec-ran');
    const config = tmp.write('cfg', `Match exec "touch ${marker}"\n  User fromexec\nMatch !exec "touch ${marker}"\n  Port 2300\nHost *\n  User plain\n`);
    const warnings: string[] = [];
    const r = await resolveTarget('box', reader({ sshConfigPath: config, onWarning: (w) => warnings.push(w) }));
    expect(existsSync(marker)).toBe(false);
    expect(r).toMatchObject({ user: 'plain', port: 22 });
    expect(warnings.join('\n')).toMatch(/Match exec/);
  });
});

describe('values and keywords', () => {
  it('maps IdentityAgent none, SSH_AUTH_SOCK and $VARIABLE', async () => {
    const config = tmp.write('cfg', 'Host a\n  IdentityAgent none\nHost b\n  IdentityAgent SSH_AUTH_SOCK\nHost c\n  IdentityAgent $MY_AGENT\nHost d\n  IdentityAgent ${MY_AGENT}.d\n');
    env.MY_AGENT = '/run/agent.sock';
    const agent = async (t: string) => (await resolveTarget(t, reader({ sshConfigPath: config }))).identityAgent;
    expect(await agent('a')).toBeNull();
    expect(await agent('b')).toBeUndefined();
    expect(await agent('c')).toBe('/run/agent.sock');
    expect(await agent('d')).toBe('/run/agent.sock.d');
  });

  it('keeps identity files in order without duplicates and drops ones with a missing ${VAR}', async () => {
    const config = tmp.write('cfg', 'Host box\n  IdentityFile ~/.ssh/one\n  IdentityFile ${NOT_SET}/two\n  IdentityFile ~/.ssh/one\nHost *\n  IdentityFile /keys/%r@%h\n');
    const warnings: string[] = [];
    const r = await resolveTarget('eve@box', reader({ sshConfigPath: config, onWarning: (w) => warnings.push(w) }));
    expect(r.identityFiles).toEqual([`${home}/.ssh/one`, '/keys/eve@box']);
    expect(warnings.join('\n')).toMatch(/NOT_SET/);
  });

  it('refuses invalid values with the file and line', async () => {
    const config = tmp.write('cfg', 'Host box\n  Port seventy\n');
    const err = await sshConfigFailure(resolveTarget('box', reader({ sshConfigPath: config })));
    expect(err.message).toContain('line 2');
  });

  it('refuses ProxyCommand, which the built-in client cannot run', async () => {
    const config = tmp.write('cfg', 'Host box\n  ProxyCommand nc %h %p\n');
    const err = await sshConfigFailure(resolveTarget('box', reader({ sshConfigPath: config })));
    expect(err.hint).toMatch(/ProxyJump/);
  });

  it('lets ProxyJump none and a first ProxyCommand none win over later ProxyJump', async () => {
    const config = tmp.write('cfg', 'Host a bastion\n  ProxyJump none\nHost b\n  ProxyCommand none\nHost *\n  ProxyJump bastion\n');
    expect((await resolveTarget('a', reader({ sshConfigPath: config }))).jumps).toEqual([]);
    expect((await resolveTarget('b', reader({ sshConfigPath: config }))).jumps).toEqual([]);
    expect((await resolveTarget('c', reader({ sshConfigPath: config }))).jumps.map((j) => j.alias)).toEqual(['bastion']);
  });

  it('follows the first hop\'s own ProxyJump and refuses loops', async () => {
    const config = tmp.write('cfg', 'Host box\n  ProxyJump j1,j2\nHost j1\n  ProxyJump j0\nHost loop\n  ProxyJump loop2\nHost loop2\n  ProxyJump loop\nHost self\n  ProxyJump self\n');
    expect((await resolveTarget('box', reader({ sshConfigPath: config }))).jumps.map((j) => j.alias)).toEqual(['j0', 'j1', 'j2']);
    await sshConfigFailure(resolveTarget('loop', reader({ sshConfigPath: config })));
    // Like OpenSSH's "jumphost loop": `Host * / ProxyJump bastion` needs `ProxyJump none` for bastion itself.
    await sshConfigFailure(resolveTarget('self', reader({ sshConfigPath: config })));
  });

  it('refuses an Include loop', async () => {
    const config = tmp.write('cfg', '');
    tmp.write('cfg', `Include ${config}\n`);
    await sshConfigFailure(resolveTarget('box', reader({ sshConfigPath: config })));
  });
});

describe('overrides', () => {
  it('apply port and user to the target only; identity, known_hosts and policy to every hop', async () => {
    const config = tmp.write('cfg', 'Host box\n  User alice\n  Port 2200\n  ProxyJump j1\n  IdentityFile ~/.ssh/box\n  StrictHostKeyChecking yes\n');
    const r = await resolveTarget('box', reader({
      sshConfigPath: config,
      overrides: { port: 2022, user: 'bob', identityFile: '~/k', knownHostsFile: '~/kh', strictHostKeyChecking: 'accept-new' },
    }));
    expect(r).toMatchObject({ user: 'bob', port: 2022, identityFiles: [`${home}/k`, `${home}/.ssh/box`], userKnownHostsFiles: [`${home}/kh`], strictHostKeyChecking: 'accept-new' });
    expect(r.jumps[0]).toMatchObject({ alias: 'j1', port: 22, userKnownHostsFiles: [`${home}/kh`], strictHostKeyChecking: 'accept-new' });
    expect(r.jumps[0]?.identityFiles[0]).toBe(`${home}/k`);
  });
});

describe('OpenSSH availability', () => {
  it('falls back to the reader when ssh is missing in auto mode, and fails when OpenSSH is required', async () => {
    const config = tmp.write('cfg', 'Host box\n  HostName box.example.com\n');
    const missing = { sshConfigPath: config, env, sshBinary: path.join(tmp.dir, 'no-ssh') };
    expect((await resolveTarget('box', missing)).source).toBe('ssh_config');
    await sshConfigFailure(resolveTarget('box', { ...missing, useOpenSsh: true }));
  });

  it.skipIf(!hasOpenSsh)('reports ssh -G errors as SshConfig', async () => {
    const config = tmp.write('cfg', 'Host box\n  NoSuchOption yes\n');
    const err = await sshConfigFailure(resolveTarget('box', { sshConfigPath: config, env, useOpenSsh: true }));
    expect(err.message).toMatch(/Bad configuration option|nosuchoption/i);
  });

  it.each([true, false])('never lets a target or a ProxyJump hop reach ssh as an option (useOpenSsh: %s)', async (useOpenSsh) => {
    const marker = path.join(tmp.dir, 'injected');
    const config = tmp.write('cfg', `Host box\n  ProxyJump -oProxyCommand=touch_${marker.replaceAll('/', '_')}\n`);
    const options = { sshConfigPath: config, env, useOpenSsh: useOpenSsh && hasOpenSsh };
    await sshConfigFailure(resolveTarget(`-oProxyCommand=touch ${marker}`, options));
    await sshConfigFailure(resolveTarget('box', options));
    expect(existsSync(marker)).toBe(false);
  });
});

describe('describeTarget', () => {
  it('names user, host, port, jumps and the first existing key', async () => {
    tmp.write('home/.ssh/id_ecdsa', 'key');
    const config = tmp.write('cfg', 'Host box\n  HostName box.example.com\n  User alice\n  ProxyJump jump1\nHost v6\n  HostName ::1\n  IdentityAgent none\n  IdentityFile /nope\n');
    const box = await resolveTarget('box', reader({ sshConfigPath: config }));
    expect(describeTarget(box, home)).toBe('alice@box.example.com:22 via jump1 (key ~/.ssh/id_ecdsa)');
    const v6 = await resolveTarget('bob@v6:2222', reader({ sshConfigPath: config }));
    expect(describeTarget(v6, home)).toBe('bob@[::1]:2222 (no key found)');
  });
});
