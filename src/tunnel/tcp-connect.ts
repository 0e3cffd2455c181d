// The first hop's TCP connection, made here rather than inside ssh2 so that a DNS failure and a TCP
// failure are told apart, each address of the host is tried, and Nagle is off before the SSH handshake
// (setNoDelay cut ssh2's handshake from about 105 to 26 ms in the testbed).

import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { ClawdbotError } from '../shared/errors';
import { classifySshError } from './classify';
import { trace } from './trace';

export interface TcpConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For messages only. */
  user: string;
  /** Called once the name resolved (the diagnostic's "dns" layer). */
  onResolved?: (addresses: string[]) => void;
}

function aborted(): ClawdbotError {
  return new ClawdbotError('SshReset', 'The connection attempt was cancelled.', 'A new attempt follows.');
}

async function resolveAddresses(host: string, ctx: TcpConnectOptions): Promise<string[]> {
  if (net.isIP(host)) return [host];
  try {
    const found = await lookup(host, { all: true });
    if (found.length === 0) throw Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' });
    return found.map((a) => a.address);
  } catch (err) {
    throw classifySshError(err, { user: ctx.user, host, port: ctx.port });
  }
}

function connectOnce(address: string, options: TcpConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    trace(`tcp connect ${address}:${options.port}`);
    const socket = net.connect({ host: address, port: options.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(Object.assign(new Error('TCP connect timed out'), { code: 'ETIMEDOUT' })), options.timeoutMs);
    const onAbort = (): void => fail(aborted());
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      socket.off('connect', onConnect);
    };
    function fail(err: Error): void {
      cleanup();
      socket.destroy();
      reject(err);
    }
    function onConnect(): void {
      trace('tcp connected');
      cleanup();
      resolve(socket);
    }
    socket.once('error', fail);
    socket.once('connect', onConnect);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves the host and connects to the first address that answers; errors are ClawdbotErrors. */
export async function tcpConnect(options: TcpConnectOptions): Promise<net.Socket> {
  if (options.signal?.aborted) throw aborted();
  const addresses = await resolveAddresses(options.host, options);
  options.onResolved?.(addresses);
  let lastError: unknown;
  for (const address of addresses) {
    if (options.signal?.aborted) throw aborted();
    try {
      return await connectOnce(address, options);
    } catch (err) {
      if (err instanceof ClawdbotError) throw err;
      lastError = err;
    }
  }
  throw classifySshError(lastError, { user: options.user, host: options.host, port: options.port });
}
