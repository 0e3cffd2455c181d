// After a read from the SSH server that no write of ours follows within the delay, one SSH_MSG_IGNORE
// carries the ACK at once (sshd's Nagle would otherwise hold its next small packet for our delayed ACK).
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAckNudges } from '../../src/tunnel/ack-nudge';
import { Tunnel } from '../../src/tunnel/supervisor';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { isState, openWs, sendAndReceive, startEchoServer, targetFor, waitForState, type EchoServer } from './helpers/engine';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Long against the 5 ms between reads below, so a busy machine does not read a pause into the stream. */
const DELAY_MS = 100;

/** A connected pair of real TCP sockets on loopback. */
async function socketPair(): Promise<{ ours: net.Socket; peer: net.Socket; close(): void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const ours = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const peer = await accepted;
  await new Promise<void>((resolve) => (ours.readyState === 'open' ? resolve() : ours.once('connect', () => resolve())));
  peer.on('data', () => undefined);
  return { ours, peer, close: () => (ours.destroy(), peer.destroy(), server.close()) };
}

describe('startAckNudges', () => {
  it('nudges once a read is followed by quiet: not when we answer, not while reads keep coming, not once stopped', async () => {
    const { ours, peer, close } = await socketPair();
    let nudges = 0;
    const stop = startAckNudges(ours, () => nudges++, DELAY_MS);
    try {
      peer.write('a');
      peer.write('b');
      await sleep(3 * DELAY_MS);
      expect(nudges).toBe(1); // two reads within the delay: one nudge

      await new Promise<void>((resolve) => {
        ours.once('data', () => {
          ours.write('reply'); // a request/response exchange: our write carries the ACK
          resolve();
        });
        peer.write('request');
      });
      await sleep(3 * DELAY_MS);
      expect(nudges).toBe(1);

      // A steady stream of reads: no nudge while it flows, one when it stops.
      const stream = setInterval(() => peer.write('tick'), 5);
      await sleep(4 * DELAY_MS);
      expect(nudges).toBe(1);
      clearInterval(stream);
      await sleep(3 * DELAY_MS);
      expect(nudges).toBe(2);

      stop();
      peer.write('after stop');
      await sleep(3 * DELAY_MS);
      expect(nudges).toBe(2);
    } finally {
      close();
    }
  });
});

describe('ACK nudges on a real SSH session', () => {
  let server: TestSshServer;
  let echo: EchoServer;
  let tunnel: Tunnel | undefined;
  beforeAll(async () => {
    server = await startSshServer();
    echo = await startEchoServer();
  });
  afterEach(async () => tunnel?.stop());
  afterAll(async () => {
    await server.stop();
    await echo.close();
  });

  it('the server receives well-formed SSH_MSG_IGNOREs while the session goes idle, and the session carries on', async () => {
    tunnel = new Tunnel({ target: targetFor(server), remotePort: echo.port, localPort: 0 });
    await tunnel.start();
    await waitForState(tunnel, isState('ready'));
    const ws = await openWs(tunnel.url as string);
    try {
      expect(await sendAndReceive(ws, 'one')).toBe('one');
      await sleep(50);
      const seen = server.ignoresReceived;
      expect(seen).toBeGreaterThanOrEqual(1);
      expect(await sendAndReceive(ws, 'two')).toBe('two'); // a malformed packet would have ended the session
      expect(tunnel.state.state).toBe('ready');
    } finally {
      ws.close();
    }
  });
});
