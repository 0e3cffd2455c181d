// SshSession against ssh2's in-process Server: auth, host keys (checked before any credential),
// forwardOut and exec.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClawdbotError } from '../../src/shared/errors';
import { SshSession } from '../../src/tunnel/session';
import { generateKeyPair, startSshServer, type TestSshServer } from '../support/ssh-server';
import { closedPort, scratchFile, startEchoServer, targetFor, type EchoServer } from './helpers/engine';

let server: TestSshServer;
let echo: EchoServer;

async function failure(promise: Promise<unknown>): Promise<ClawdbotError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ClawdbotError);
  return err as ClawdbotError;
}

beforeAll(async () => {
  server = await startSshServer();
  echo = await startEchoServer();
});
afterAll(async () => {
  await server.stop();
  await echo.close();
});

describe('SshSession', () => {
  it('authenticates with an identity file, forwards to a remote loopback port and runs commands', async () => {
    const session = await SshSession.connect(targetFor(server), {});
    try {
      expect(session.verdicts[0]?.status).toBe('known');
      const channel = await session.forwardOut('127.0.0.1', echo.port);
      channel.destroy();
      const result = await session.exec('uname -a');
      expect(result).toMatchObject({ code: 0, stdout: 'exec: uname -a\n' });
      expect(await session.readRemoteFile('~/.clawdbot/x.json')).toContain(`cat -- "$HOME"/'.clawdbot/x.json'`);
    } finally {
      session.close();
    }
    expect(session.isOpen).toBe(false);
  });

  it('reports a closed remote port as RemoteGatewayDown', async () => {
    const session = await SshSession.connect(targetFor(server), {});
    try {
      const err = await failure(session.forwardOut('127.0.0.1', await closedPort()));
      expect(err.errorClass).toBe('RemoteGatewayDown');
    } finally {
      session.close();
    }
  });

  it('fails with SshAuthFailed when the key is refused', async () => {
    server.setAuth('refuse');
    try {
      const err = await failure(SshSession.connect(targetFor(server), {}));
      expect(err.errorClass).toBe('SshAuthFailed');
      expect(err.retryable).toBe(false);
      expect(err.hint).toMatch(/key/);
    } finally {
      server.setAuth('ok');
    }
  });

  it('refuses an unknown host key under "yes" before any credential is offered', async () => {
    const attempts = server.authAttempts;
    const err = await failure(SshSession.connect(targetFor(server, { userKnownHostsFiles: [scratchFile('empty', '')] }), {}));
    expect(err.errorClass).toBe('HostKeyUnknown');
    expect(err.message).toContain(server.hostKey.fingerprint);
    expect(server.authAttempts).toBe(attempts);
  });

  it('asks under "ask", connects when the user accepts and remembers the key in known_hosts', async () => {
    const asked: string[] = [];
    const knownHosts = scratchFile('known_hosts', '');
    const target = targetFor(server, { strictHostKeyChecking: 'ask', userKnownHostsFiles: [knownHosts] });
    const prompt = async (p: { kind: string; fingerprint: string }): Promise<boolean> => {
      asked.push(`${p.kind} ${p.fingerprint}`);
      return true;
    };
    (await SshSession.connect(target, { prompt })).close();
    (await SshSession.connect(target, { prompt })).close();
    expect(asked).toEqual([`unknown ${server.hostKey.fingerprint}`]);
    expect(readFileSync(knownHosts, 'utf8')).toContain(server.hostKey.publicKey.split(' ')[1]);
  });

  it('refuses when the user declines the unknown key', async () => {
    const target = targetFor(server, { strictHostKeyChecking: 'ask', userKnownHostsFiles: [scratchFile('known_hosts', '')] });
    const err = await failure(SshSession.connect(target, { prompt: async () => false }));
    expect(err.errorClass).toBe('HostKeyUnknown');
  });

  it('stops on a changed host key with both fingerprints, even under accept-new, and on a revoked one', async () => {
    const old = generateKeyPair('old-host');
    const changedFile = scratchFile('known_hosts', `[127.0.0.1]:${server.port} ${old.publicKey}\n`);
    const changed = await failure(SshSession.connect(targetFor(server, { strictHostKeyChecking: 'accept-new', userKnownHostsFiles: [changedFile] }), {}));
    expect(changed.errorClass).toBe('HostKeyChanged');
    expect(changed.message).toContain(old.fingerprint);
    expect(changed.message).toContain(server.hostKey.fingerprint);
    expect(changed.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${server.port}' -f ${changedFile}`);

    const revokedFile = scratchFile('known_hosts', `@revoked * ${server.hostKey.publicKey}\n${server.knownHostsLine()}\n`);
    const revoked = await failure(SshSession.connect(targetFor(server, { userKnownHostsFiles: [revokedFile] }), {}));
    expect(revoked.errorClass).toBe('HostKeyRevoked');
  });

  it('asks for the key type known_hosts has: a host known only by its ecdsa key is known, not unknown', async () => {
    const ecdsa = generateKeyPair('test-host-ecdsa', undefined, 'ecdsa');
    const srv = await startSshServer({ extraHostKeys: [ecdsa] });
    try {
      const onlyEcdsa = scratchFile('known_hosts', `[127.0.0.1]:${srv.port} ${ecdsa.publicKey}\n`);
      const session = await SshSession.connect(targetFor(srv, { userKnownHostsFiles: [onlyEcdsa] }), {});
      session.close();
      expect(session.verdicts[0]).toMatchObject({ status: 'known', keyType: 'ecdsa-sha2-nistp256', fingerprint: ecdsa.fingerprint });

      // Nothing known: ssh2's default order still prefers ed25519.
      const err = await failure(SshSession.connect(targetFor(srv, { userKnownHostsFiles: [scratchFile('empty', '')] }), {}));
      expect(err.message).toContain(srv.hostKey.fingerprint);
    } finally {
      await srv.stop();
    }
  });

  it('asks for the passphrase of an encrypted identity file', async () => {
    const key = generateKeyPair('encrypted', 'correct horse');
    const srv = await startSshServer({ authorizedKeys: [key.publicKey] });
    const path = join(srv.clientKeyPath, '..', 'id_encrypted');
    writeFileSync(path, key.privateKey, { mode: 0o600 });
    const attempts: number[] = [];
    try {
      const session = await SshSession.connect(targetFor(srv, { identityFiles: [path] }), {
        auth: {
          passphrase: async ({ attempt }) => {
            attempts.push(attempt);
            return attempt === 1 ? 'wrong' : 'correct horse';
          },
        },
      });
      session.close();
      expect(attempts).toEqual([1, 2]);

      // Nobody to ask (the desktop app, a script): the failure names the locked key and what to do.
      for (const auth of [{}, { passphrase: async () => null }]) {
        const err = await failure(SshSession.connect(targetFor(srv, { identityFiles: [path] }), { auth }));
        expect(err.errorClass).toBe('SshAuthFailed');
        expect(err.hint).toContain(`\`ssh-add ${path}\``);
      }
    } finally {
      await srv.stop();
    }
  });

  it('answers keyboard-interactive through the callback', async () => {
    const srv = await startSshServer({ authorizedKeys: [], keyboardInteractivePassword: 'sesame' });
    try {
      const prompts: string[] = [];
      const session = await SshSession.connect(targetFor(srv), {
        auth: {
          keyboardInteractive: async (req) => {
            prompts.push(...req.prompts.map((p) => p.prompt));
            return ['sesame'];
          },
        },
      });
      session.close();
      expect(prompts).toEqual(['Password: ']);
    } finally {
      await srv.stop();
    }
  });

  it('classifies a closed SSH port as TcpFailed and an unresolvable name as DnsFailed', async () => {
    const refused = await failure(SshSession.connect(targetFor({ ...server, port: await closedPort() }), {}));
    expect(refused.errorClass).toBe('TcpFailed');
    const dns = await failure(SshSession.connect(targetFor({ ...server, host: 'no-such-host.invalid' }), {}));
    expect(dns.errorClass).toBe('DnsFailed');
    expect(dns.retryable).toBe(true);
  });
});
