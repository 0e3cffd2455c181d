// Joins an accepted local socket to its SSH channel. pipe() gives backpressure both ways (a slow reader
// stops the other side instead of buffering without bound) and passes half-closes through; when either
// side closes or fails, the other is torn down.

import type net from 'node:net';
import type { Duplex } from 'node:stream';

export function bridge(local: net.Socket, channel: Duplex): void {
  let done = false;
  const teardown = (): void => {
    if (done) return;
    done = true;
    local.destroy();
    channel.destroy();
  };
  local.on('error', teardown).on('close', teardown);
  channel.on('error', teardown).on('close', teardown);
  local.pipe(channel);
  channel.pipe(local);
  local.resume();
}

/** Closes a local socket that cannot be forwarded: read what it sent (so the close is a FIN, not a reset) and end it. */
export function refuse(local: net.Socket, graceMs = 1000): void {
  if (local.destroyed) return;
  local.on('error', () => undefined);
  local.resume();
  local.end();
  setTimeout(() => local.destroy(), graceMs).unref();
}
