// ProxyJump through two in-process SSH servers: each hop is reached through the previous hop's
// channel, and each hop's host key is checked against its own name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClawdbotError } from '../../src/shared/errors';
import { SshSession } from '../../src/tunnel/session';
import { Tunnel } from '../../src/tunnel/supervisor';
import type { HostKeyVerdict } from '../../src/tunnel/types';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { closedPort, hopFor, isState, scratchFile, startEchoServer, targetFor, waitForState, wsEcho, type EchoServer } from './helpers/engine';

let jump: TestSshServer;
let target: TestSshServer;
let echo: EchoServer;

beforeAll(async () => {
  jump = await startSshServer();
  target = await startSshServer();
  echo = await startEchoServer();
});
afterAll(async () => {
  await Promise.all([jump.stop(), target.stop(), echo.close()]);
});

describe('ProxyJump', () => {
  it('connects through the jump host and checks both host keys under their own names', async () => {
    const verdicts: { host: string; verdict: HostKeyVerdict }[] = [];
    const session = await SshSession.connect(targetFor(target, { jumps: [hopFor(jump)] }), {
      onVerdict: (verdict, hop) => verdicts.push({ host: `${hop.hostName}:${hop.port}`, verdict }),
    });
    try {
      expect(verdicts.map((v) => [v.host, v.verdict.fingerprint])).toEqual([
        [`${jump.host}:${jump.port}`, jump.hostKey.fingerprint],
        [`${target.host}:${target.port}`, target.hostKey.fingerprint],
      ]);
      expect(jump.logins).toContain('tester');
      expect(target.logins).toContain('tester');
    } finally {
      session.close();
    }
  });

  it('forwards a WebSocket through both hops', async () => {
    const t = new Tunnel({
      target: targetFor(target, { jumps: [hopFor(jump)] }),
      remotePort: echo.port,
      localPort: 0,
    });
    try {
      await t.start();
      await waitForState(t, isState('ready'));
      expect(await wsEcho(t.url as string, 'via jump')).toBe('via jump');
    } finally {
      await t.stop();
    }
  });

  it('names the hop whose host key is unknown', async () => {
    const unknown = { userKnownHostsFiles: [scratchFile('empty', '')] };
    const err = await SshSession.connect(targetFor(target, { jumps: [hopFor(jump)], ...unknown }), {}).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ClawdbotError);
    expect((err as ClawdbotError).errorClass).toBe('HostKeyUnknown');
    expect((err as ClawdbotError).message).toContain(`${target.host}:${target.port}`);
  });

  it('reports an unreachable next hop as TcpFailed from the jump host', async () => {
    const port = await closedPort();
    const err = await SshSession.connect(targetFor({ ...target, port }, { jumps: [hopFor(jump)] }), {}).then(() => null, (e: unknown) => e);
    expect((err as ClawdbotError).errorClass).toBe('TcpFailed');
    expect((err as ClawdbotError).message).toContain(`${jump.host}:${jump.port}`);
  });
});
