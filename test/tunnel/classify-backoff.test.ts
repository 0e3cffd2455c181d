// Error classification (what the supervisor retries), the backoff schedule, the agent socket choice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINDOWS_AGENT_PIPE, agentPath } from '../../src/tunnel/auth-sources';
import { Backoff } from '../../src/tunnel/backoff';
import { classifyChannelError, classifySshError } from '../../src/tunnel/classify';
import { hopFor } from './helpers/engine';

const ctx = { user: 'alice', host: 'box', port: 22 };
const ssh2Error = (message: string, props: Record<string, unknown>): Error => Object.assign(new Error(message), props);

describe('classifySshError', () => {
  it.each([
    [ssh2Error('getaddrinfo ENOTFOUND box', { code: 'ENOTFOUND' }), 'DnsFailed', true],
    [ssh2Error('connect ECONNREFUSED 10.0.0.1:22', { code: 'ECONNREFUSED', level: 'client-socket' }), 'TcpFailed', true],
    [ssh2Error('connect EHOSTUNREACH', { code: 'EHOSTUNREACH', level: 'client-socket' }), 'TcpFailed', true],
    [ssh2Error('Keepalive timeout', { level: 'client-timeout' }), 'SshTimeout', true],
    [ssh2Error('Timed out while waiting for handshake', { level: 'client-timeout' }), 'SshTimeout', true],
    [ssh2Error('read ECONNRESET', { code: 'ECONNRESET', level: 'client-socket' }), 'SshReset', true],
    [ssh2Error('Connection lost before handshake', { level: 'protocol' }), 'SshReset', true],
    [ssh2Error('All configured authentication methods failed', { level: 'client-authentication' }), 'SshAuthFailed', false],
    [ssh2Error('Host denied (verification failed)', { level: 'handshake' }), 'HostKeyUnknown', false],
    [ssh2Error('Handshake failed: no matching key exchange algorithm', { level: 'handshake' }), 'SshConfig', false],
    [ssh2Error('Bad identification start', { level: 'protocol' }), 'SshConfig', false],
  ])('%s → %s', (err, errorClass, retryable) => {
    const c = classifySshError(err, ctx);
    expect(c.errorClass).toBe(errorClass);
    expect(c.retryable).toBe(retryable);
    expect(c.hint.length).toBeGreaterThan(10);
  });

  it('uses the host key verdict to tell changed and revoked keys apart', () => {
    const denied = ssh2Error('Host denied (verification failed)', { level: 'handshake' });
    const changed = classifySshError(denied, { ...ctx, verdict: { status: 'changed', fingerprint: 'SHA256:new', keyType: 'ssh-ed25519', knownFingerprints: ['SHA256:old'], file: '/k', line: 3 } });
    expect(changed.errorClass).toBe('HostKeyChanged');
    expect(changed.message).toContain('SHA256:new');
    expect(changed.message).toContain('SHA256:old');
    const revoked = classifySshError(denied, { ...ctx, verdict: { status: 'revoked', fingerprint: 'SHA256:bad', keyType: 'ssh-ed25519', file: '/k', line: 1 } });
    expect(revoked.errorClass).toBe('HostKeyRevoked');
  });
});

describe('the HostKeyChanged hint', () => {
  const denied = ssh2Error('Host denied (verification failed)', { level: 'handshake' });
  const changedIn = (file: string) => ({ status: 'changed' as const, fingerprint: 'SHA256:new', keyType: 'ssh-ed25519', knownFingerprints: ['SHA256:old'], file, line: 3 });

  it('says how to remove the old key: ssh-keygen -R with the name as filed, -f only for another file', () => {
    const home = '/home/alice';
    const onPort22 = classifySshError(denied, { ...ctx, home, verdict: changedIn('/home/alice/.ssh/known_hosts') });
    expect(onPort22.hint).toContain('`ssh-keygen -R box`');

    const onOtherPort = classifySshError(denied, { ...ctx, port: 2222, home, verdict: changedIn('/home/alice/.ssh/known_hosts') });
    expect(onOtherPort.hint).toContain(`\`ssh-keygen -R '[box]:2222'\``);

    const otherFile = classifySshError(denied, { ...ctx, port: 2222, home, verdict: changedIn('/srv/my known_hosts') });
    expect(otherFile.hint).toContain(`\`ssh-keygen -R '[box]:2222' -f '/srv/my known_hosts'\``);

    const alias = classifySshError(denied, { ...ctx, port: 2222, home, knownHostsName: 'box-alias', verdict: changedIn('/home/alice/.ssh/known_hosts') });
    expect(alias.hint).toContain('`ssh-keygen -R box-alias`');
  });
});

describe('classifyChannelError', () => {
  const refused = ssh2Error('(SSH) Channel open failure: Connection refused', { reason: 2 });
  it('is RemoteGatewayDown for a forward, TcpFailed for a jump, SshConfig when forbidden', () => {
    expect(classifyChannelError(refused, { host: '127.0.0.1', port: 18789 }, 'box', 'forward').errorClass).toBe('RemoteGatewayDown');
    expect(classifyChannelError(refused, { host: 'inner', port: 22 }, 'jump', 'jump').errorClass).toBe('TcpFailed');
    const prohibited = ssh2Error('(SSH) Channel open failure: administratively prohibited: open failed', { reason: 1 });
    expect(classifyChannelError(prohibited, { host: '127.0.0.1', port: 1 }, 'box', 'forward').errorClass).toBe('SshConfig');
  });
});

describe('Backoff', () => {
  it('grows to the cap, jitters downwards only, and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5, random: () => 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
    const j = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.999 });
    expect(j.next()).toBe(50);
  });
});

describe('agentPath', () => {
  const hop = hopFor({ host: 'box', port: 22, clientKeyPath: '/k' });
  it('prefers IdentityAgent, then SSH_AUTH_SOCK, then (Windows) the OpenSSH pipe; none means no agent', () => {
    expect(agentPath({ ...hop, identityAgent: '~/agent.sock' }, { HOME: '/home/a', SSH_AUTH_SOCK: '/tmp/s' }, 'linux')).toBe('/home/a/agent.sock');
    expect(agentPath({ ...hop, identityAgent: undefined }, { SSH_AUTH_SOCK: '/tmp/s' }, 'linux')).toBe('/tmp/s');
    expect(agentPath({ ...hop, identityAgent: undefined }, {}, 'linux')).toBeUndefined();
    expect(agentPath({ ...hop, identityAgent: undefined }, {}, 'win32')).toBe(WINDOWS_AGENT_PIPE);
    expect(WINDOWS_AGENT_PIPE).toBe('\\\\.\\pipe\\openssh-ssh-agent');
    expect(agentPath({ ...hop, identityAgent: null }, { SSH_AUTH_SOCK: '/tmp/s' }, 'linux')).toBeUndefined();
  });

  it('without SSH_AUTH_SOCK (an app started from a launcher), finds a desktop agent socket under XDG_RUNTIME_DIR', async () => {
    const runtimeDir = mkdtempSync(join(tmpdir(), 'cbt-xdg-'));
    const servers: net.Server[] = [];
    const listenAt = async (path: string): Promise<void> => {
      mkdirSync(dirname(path), { recursive: true });
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(path, resolve));
    };
    const env = { XDG_RUNTIME_DIR: runtimeDir };
    try {
      const noAgent = { ...hop, identityAgent: undefined };
      writeFileSync(join(runtimeDir, 'ssh-agent.socket'), ''); // a plain file is not an agent
      expect(agentPath(noAgent, env, 'linux')).toBeUndefined();
      await listenAt(join(runtimeDir, 'keyring', 'ssh'));
      expect(agentPath(noAgent, env, 'linux')).toBe(join(runtimeDir, 'keyring', 'ssh'));
      await listenAt(join(runtimeDir, 'gcr', 'ssh'));
      expect(agentPath(noAgent, env, 'linux')).toBe(join(runtimeDir, 'gcr', 'ssh'));
      expect(agentPath(noAgent, { ...env, SSH_AUTH_SOCK: '/tmp/s' }, 'linux')).toBe('/tmp/s');
      expect(agentPath({ ...hop, identityAgent: null }, env, 'linux')).toBeUndefined();
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
});
