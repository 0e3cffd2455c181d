// An authenticated SSH session to the target, through its ProxyJump hops: each hop is reached through
// the previous hop's forwardOut channel and checked against its own name. The session emits 'close'
// once, with the classified reason, when any hop goes away.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ClawdbotError } from '../shared/errors';
import { ignoreSender, startAckNudges } from './ack-nudge';
import type { AuthCallbacks } from './auth-sources';
import { classifyChannelError, classifySshError } from './classify';
import { connectHop, hopName, isRecoverableSsh2Error, keepaliveOf, type HopStage, type HostVerifierFactory } from './hop-connect';
import { createHostVerifier } from './known-hosts';
import { loadSsh2, type Ssh2Module } from './ssh2-loader';
import { tcpConnect } from './tcp-connect';
import { trace } from './trace';
import type { HostKeyPromptFn, HostKeyVerdict, ResolvedTarget, SshHop } from './types';

export type ConnectStage = 'dns' | 'tcp' | HopStage;

export interface SessionConnectOptions {
  /** Default: createHostVerifier from src/tunnel/known-hosts (the hop's known_hosts files and policy). */
  createHostVerifier?: HostVerifierFactory;
  /** Asked for an unknown host key under StrictHostKeyChecking=ask. */
  prompt?: HostKeyPromptFn;
  auth?: AuthCallbacks;
  /** TCP connect timeout of the first hop (default: ConnectTimeout, else 10 s). */
  tcpTimeoutMs?: number;
  /** SSH handshake + auth timeout of each hop (default: ConnectTimeout, else 15 s). */
  handshakeTimeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Progress, for the layered diagnostic: hop 0 is the first jump (or the target when there is none). */
  onStage?: (stage: ConnectStage, hopIndex: number, hop: SshHop) => void;
  onVerdict?: (verdict: HostKeyVerdict, hop: SshHop) => void;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
}

interface LiveHop {
  hop: SshHop;
  client: Client;
  lastError?: Error;
}

export class SshSession extends EventEmitter<{ close: [reason: ClawdbotError] }> {
  private closed = false;
  private closeReason: ClawdbotError | undefined;

  private constructor(
    readonly target: ResolvedTarget,
    private readonly hops: LiveHop[],
    /** The host key verdict of each hop, first jump first. */
    readonly verdicts: HostKeyVerdict[],
  ) {
    super();
    hops.forEach((live, index) => live.client.once('close', () => this.onHopClosed(index)));
  }

  /** Connects every hop in order; rejects with a ClawdbotError naming the hop that failed. */
  static async connect(target: ResolvedTarget, options: SessionConnectOptions): Promise<SshSession> {
    trace('session connect');
    const chain: SshHop[] = [...target.jumps, target];
    const first = chain[0] as SshHop;
    // The first hop's DNS lookup and TCP connect (and the server's fork and banner) happen while ssh2
    // loads: the connect is issued first, ssh2's loader yields to the event loop between its parts.
    const firstSocket = tcpConnect({
      host: first.hostName, port: first.port, user: first.user, timeoutMs: options.tcpTimeoutMs ?? hopTimeout(first) ?? 10_000,
      ...(options.signal ? { signal: options.signal } : {}), onResolved: () => options.onStage?.('dns', 0, first),
    }).then(holdSocket);
    // Handled here too: a quick failure (DNS) must not count as unhandled while ssh2 is still loading.
    firstSocket.catch(() => undefined);
    let ssh2: Ssh2Module;
    try {
      ssh2 = await loadSsh2();
    } catch (err) {
      firstSocket.then((held) => held.socket.destroy(), () => undefined);
      throw err;
    }
    trace('ssh2 loaded');
    const live: LiveHop[] = [];
    const verdicts: HostKeyVerdict[] = [];
    try {
      for (const [index, hop] of chain.entries()) {
        const timeout = hopTimeout(hop);
        const stage = (s: ConnectStage): void => options.onStage?.(s, index, hop);
        let sock: Duplex;
        let tcpSocket: Socket | undefined;
        const previous = live[index - 1];
        if (!previous) {
          const held = await firstSocket;
          const early = held.release();
          if (early) throw classifySshError(early, { user: hop.user, host: hop.hostName, port: hop.port });
          sock = tcpSocket = held.socket;
        } else {
          sock = await openChannel(previous.client, hop.hostName, hop.port).catch((err: unknown) => {
            throw classifyChannelError(err, { host: hop.hostName, port: hop.port }, hopName(previous.hop), 'jump');
          });
          stage('dns');
        }
        trace(`hop ${index} socket`);
        stage('tcp');
        const client = await connectHop({
          ssh2, hop, sock,
          createHostVerifier: options.createHostVerifier ?? createHostVerifier,
          ...(options.prompt ? { prompt: options.prompt } : {}),
          auth: options.auth ?? {},
          handshakeTimeoutMs: options.handshakeTimeoutMs ?? timeout ?? 15_000,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.env ? { env: options.env } : {}),
          onStage: stage,
          onVerdict: (v) => {
            verdicts[index] = v;
            options.onVerdict?.(v, hop);
          },
        });
        trace(`hop ${index} authenticated`);
        const sendIgnore = tcpSocket && ignoreSender(client); // the TCP connection is the first hop's only
        if (tcpSocket && sendIgnore) startAckNudges(tcpSocket, sendIgnore);
        const connected: LiveHop = { hop, client };
        // From now on an error must have a listener (an unheard 'error' event would end the process).
        client.on('error', (err: Error & { level?: string }) => {
          if (isRecoverableSsh2Error(err)) return;
          connected.lastError ??= err;
          // Fatal to this connection; ssh2 only half-closes, which a dead link would never finish.
          client.destroy();
        });
        live.push(connected);
      }
    } catch (err) {
      for (const h of live.reverse()) h.client.destroy();
      throw err;
    }
    return new SshSession(target, live, verdicts);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** A TCP connection from the target host to host:port (direct-tcpip, like `ssh -L`). */
  async forwardOut(host: string, port: number): Promise<ClientChannel> {
    const final = this.final();
    try {
      return await openChannel(final.client, host, port);
    } catch (err) {
      throw classifyChannelError(err, { host, port }, hopName(final.hop), 'forward');
    }
  }

  /** Runs a command on the target; output beyond maxBytes per stream is dropped. */
  exec(command: string, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<ExecResult> {
    const { client } = this.final();
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(new ClawdbotError('SshReset', `Could not run a command on ${this.target.hostName}: ${err.message}.`, 'Try again once the tunnel is ready.', { cause: err }));
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let outBytes = 0;
        let errBytes = 0;
        let code: number | null = null;
        let signal: string | null = null;
        const timer = options.timeoutMs
          ? setTimeout(() => {
              stream.close();
              reject(new ClawdbotError('SshTimeout', `The remote command did not finish within ${options.timeoutMs} ms.`, 'The remote host is slow or the command hangs.'));
            }, options.timeoutMs)
          : undefined;
        stream.on('data', (d: Buffer) => {
          if (outBytes < maxBytes) out.push(d.subarray(0, maxBytes - outBytes));
          outBytes += d.length;
        });
        stream.stderr.on('data', (d: Buffer) => {
          if (errBytes < maxBytes) errOut.push(d.subarray(0, maxBytes - errBytes));
          errBytes += d.length;
        });
        stream.on('error', (e: Error) => {
          if (timer) clearTimeout(timer);
          reject(new ClawdbotError('SshReset', `The remote command failed: ${e.message}.`, 'Try again once the tunnel is ready.', { cause: e }));
        });
        stream.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s ?? null;
        });
        stream.on('close', () => {
          if (timer) clearTimeout(timer);
          resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8'), code, signal });
        });
      });
    });
  }

  /** Reads a text file on the target (~/ is the remote home), up to maxBytes. */
  async readRemoteFile(path: string, options: { maxBytes?: number; timeoutMs?: number } = {}): Promise<string> {
    const quoted = path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
    const result = await this.exec(`cat -- ${quoted}`, { maxBytes: options.maxBytes ?? 1024 * 1024, timeoutMs: options.timeoutMs ?? 10_000 });
    if (result.code !== 0) {
      throw new ClawdbotError('Config', `Could not read ${path} on ${this.target.hostName}: ${result.stderr.trim() || `exit ${result.code}`}.`, 'Check that the file exists on the remote host.');
    }
    return result.stdout;
  }

  /** Ends the session (idempotent); 'close' follows with the reason given (default: closed by us). */
  close(reason?: ClawdbotError): void {
    this.shutdown(reason ?? new ClawdbotError('SshReset', 'The tunnel closed the SSH session.', 'It was asked to stop or to reconnect.'));
  }

  private final(): LiveHop {
    const final = this.hops[this.hops.length - 1] as LiveHop;
    if (this.closed) throw this.closeReason ?? new ClawdbotError('SshReset', 'The SSH session is closed.', 'The tunnel reconnects.');
    return final;
  }

  private onHopClosed(index: number): void {
    // The lowest hop that saw an error holds the root cause (a dead first hop takes every hop after it).
    const failed = this.hops.find((h) => h.lastError);
    const hop = failed ?? (this.hops[index] as LiveHop);
    const reason = failed?.lastError
      ? classifySshError(failed.lastError, { user: hop.hop.user, host: hop.hop.hostName, port: hop.hop.port, keepaliveMs: keepaliveOf(hop.hop).deadAfterMs })
      : new ClawdbotError('SshReset', `${hopName(hop.hop)} closed the SSH connection.`, 'The server may have restarted; the tunnel reconnects.');
    this.shutdown(reason);
  }

  private shutdown(reason: ClawdbotError): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    for (const h of [...this.hops].reverse()) {
      h.client.end();
      h.client.destroy();
    }
    this.emit('close', reason);
  }
}

/**
 * Keeps a connected socket safe until ssh2 takes it: an error meanwhile (a reset while ssh2 loads)
 * is kept for release() instead of being an unheard 'error' event.
 */
function holdSocket(socket: Socket): { socket: Socket; release(): Error | undefined } {
  let error: Error | undefined;
  const onError = (err: Error): void => {
    error ??= err;
  };
  socket.on('error', onError);
  return {
    socket,
    release: () => {
      socket.off('error', onError);
      return error ?? (socket.destroyed ? Object.assign(new Error('connection closed before the SSH handshake'), { code: 'ECONNRESET' }) : undefined);
    },
  };
}

/** The hop's ConnectTimeout, when it sets one. */
function hopTimeout(hop: SshHop): number | undefined {
  return hop.connectTimeoutMs && hop.connectTimeoutMs > 0 ? hop.connectTimeoutMs : undefined;
}

function openChannel(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => (err ? reject(err) : resolve(channel)));
    } catch (err) {
      reject(err); // "Not connected"
    }
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
