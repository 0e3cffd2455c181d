// One SSH hop: an ssh2 Client over a socket we already hold (the TCP socket for the first hop, the
// previous hop's forwardOut channel for the next ones). The host key is checked in ssh2's asynchronous
// hostVerifier, which runs inside the key exchange, before the authHandler offers any credential.

import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import { ClawdbotError } from '../shared/errors';
import { createAuthHandler, type AuthCallbacks } from './auth-sources';
import { classifySshError } from './classify';
import { hostKeyAlgorithmsFor } from './host-key-algorithms';
import { hostKeyName, hostKeyQuery } from './known-hosts/host-names';
import type { Ssh2Module } from './ssh2-loader';
import { ssh2PacketTrace, trace } from './trace';
import type { HostKeyPromptFn, HostKeyVerdict, SshHop, StrictHostKeyChecking } from './types';

export type Ssh2HostVerifier = (key: Buffer, verify: (valid: boolean) => void) => void;

/** The shape of createHostVerifier from src/tunnel/known-hosts (the default), replaceable for tests. */
export type HostVerifierFactory = (options: {
  resolvedHop: SshHop;
  policy: StrictHostKeyChecking;
  prompt?: HostKeyPromptFn;
  onVerdict?: (verdict: HostKeyVerdict) => void;
}) => Ssh2HostVerifier;

export type HopStage = 'ssh-handshake' | 'host-key' | 'ssh-auth';

export interface HopConnectOptions {
  ssh2: Ssh2Module;
  hop: SshHop;
  sock: Duplex;
  createHostVerifier: HostVerifierFactory;
  prompt?: HostKeyPromptFn;
  auth: AuthCallbacks;
  /** From TCP connected to authenticated, not counting time spent waiting for the user. */
  handshakeTimeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  onStage?: (stage: HopStage) => void;
  onVerdict?: (verdict: HostKeyVerdict) => void;
}

const DEFAULT_KEEPALIVE_MS = 5000;
const DEFAULT_KEEPALIVE_COUNT = 3;

/** The keepalive of a hop: OpenSSH's ServerAliveInterval × ServerAliveCountMax, 5 s × 3 when unset. */
export function keepaliveOf(hop: SshHop): { intervalMs: number; countMax: number; deadAfterMs: number } {
  const intervalMs = hop.serverAliveIntervalMs > 0 ? hop.serverAliveIntervalMs : DEFAULT_KEEPALIVE_MS;
  const countMax = hop.serverAliveCountMax > 0 ? hop.serverAliveCountMax : DEFAULT_KEEPALIVE_COUNT;
  return { intervalMs, countMax, deadAfterMs: intervalMs * countMax };
}

/** Errors ssh2 reports and then carries on from (an agent that cannot sign, a key that cannot sign). */
export function isRecoverableSsh2Error(err: Error & { level?: string }): boolean {
  return err.level === 'agent' || (err.level === 'client-authentication' && /sign/i.test(err.message));
}

export function hopName(hop: SshHop): string {
  return `${hop.user}@${hop.hostName}:${hop.port}`;
}

/** Resolves with the authenticated client; rejects with a ClawdbotError. */
export function connectHop(options: HopConnectOptions): Promise<Client> {
  const { ssh2, hop, sock } = options;
  const client = new ssh2.Client();
  const keepalive = keepaliveOf(hop);
  let verdict: HostKeyVerdict | undefined;
  let asking = 0;
  let remainingMs = options.handshakeTimeoutMs;
  let timerStartedAt = 0;
  let timer: NodeJS.Timeout | undefined;

  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const home = options.env?.HOME;
    const encryptedKeysSkipped: string[] = [];
    const context = () => ({
      user: hop.user, host: hop.hostName, port: hop.port, verdict, keepaliveMs: keepalive.deadAfterMs,
      knownHostsName: hostKeyName(hostKeyQuery(hop)), ...(home ? { home } : {}), encryptedKeysSkipped,
    });
    const finish = (err?: ClawdbotError): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      client.off('error', onError);
      client.off('close', onClose);
      if (err) {
        client.on('error', () => undefined); // late errors from the dying connection
        client.destroy();
        sock.destroy();
        reject(err);
      } else {
        resolve(client);
      }
    };
    const startTimer = (): void => {
      timerStartedAt = Date.now();
      timer = setTimeout(() => finish(classifySshError(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }), context())), remainingMs);
    };
    // The handshake timer stops while the user answers a prompt (host key, passphrase, keyboard-interactive).
    const whileAsking = async <T>(ask: () => Promise<T>): Promise<T> => {
      if (asking++ === 0 && timer) {
        clearTimeout(timer);
        remainingMs = Math.max(1000, remainingMs - (Date.now() - timerStartedAt));
      }
      try {
        return await ask();
      } finally {
        if (--asking === 0 && !settled) startTimer();
      }
    };
    const onError = (err: Error & { level?: string }): void => {
      if (!isRecoverableSsh2Error(err)) finish(classifySshError(err, context()));
    };
    const onClose = (): void => finish(new ClawdbotError('SshReset', `${hopName(hop)} closed the connection during the SSH handshake.`, 'The server may limit connections (MaxStartups) or be restarting; the tunnel retries.'));
    const onAbort = (): void => finish(new ClawdbotError('SshReset', 'The connection attempt was cancelled.', 'A new attempt follows.'));

    const verifier = options.createHostVerifier({
      resolvedHop: hop,
      policy: hop.strictHostKeyChecking,
      ...(options.prompt ? { prompt: (p) => whileAsking(() => (options.prompt as HostKeyPromptFn)(p)) } : {}),
      onVerdict: (v) => {
        verdict = v;
        options.onVerdict?.(v);
      },
    });
    const hostVerifier: Ssh2HostVerifier = (key, verify) => {
      options.onStage?.('ssh-handshake');
      trace('host key received');
      verifier(key, (valid) => {
        trace(`host key ${valid ? 'accepted' : 'refused'}`);
        if (valid) options.onStage?.('host-key');
        verify(valid);
      });
    };

    client.on('error', onError);
    client.once('close', onClose);
    client.once('ready', () => {
      options.onStage?.('ssh-auth');
      finish();
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) return onAbort();
    startTimer();

    const serverHostKey = hostKeyAlgorithmsFor(hop);
    const debug = ssh2PacketTrace();
    const config: ConnectConfig = {
      sock: sock as ConnectConfig['sock'],
      ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
      username: hop.user,
      hostVerifier,
      authHandler: createAuthHandler({
        ssh2, hop, callbacks: options.auth, whileAsking, ...(options.env ? { env: options.env } : {}),
        onEncryptedKeySkipped: (path) => encryptedKeysSkipped.push(path),
      }),
      readyTimeout: 0, // our own timer, which pauses for prompts
      keepaliveInterval: keepalive.intervalMs,
      // ssh2 gives up one interval after its count is exceeded; this makes the dead link noticed after
      // interval × ServerAliveCountMax of silence, as documented for OpenSSH.
      keepaliveCountMax: Math.max(1, keepalive.countMax - 1),
      ...(debug ? { debug } : {}),
    };
    client.connect(config);
    trace('ssh2 connect called');
  });
}
