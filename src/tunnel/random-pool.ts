// ssh2 pads every packet it sends with fresh bytes from crypto.randomFillSync: one call into OpenSSL
// (with a getpid() to detect forks) per packet, about 6 µs of a 180 µs round trip through the tunnel on
// the benchmark machine. A pooled fill gives the same CSPRNG bytes, drawn 16 KiB at a time, each byte
// handed out once. Large or unusual requests go straight to the real fill.

import { randomFillSync } from 'node:crypto';

type RandomFill = typeof randomFillSync;

const POOL_BYTES = 16 * 1024;
/** SSH padding is 4–255 bytes; bigger requests are not worth pooling. */
const MAX_POOLED = 256;

export function pooledRandomFill(fill: RandomFill = randomFillSync, poolBytes = POOL_BYTES): RandomFill {
  const pool = Buffer.allocUnsafe(poolBytes);
  let used = poolBytes; // empty: the first draw fills it
  function pooled(buf: unknown, offset?: unknown, size?: unknown): unknown {
    if (
      Buffer.isBuffer(buf) &&
      Number.isInteger(offset) &&
      Number.isInteger(size) &&
      (size as number) >= 0 &&
      (size as number) <= MAX_POOLED &&
      (offset as number) >= 0 &&
      (offset as number) + (size as number) <= buf.length
    ) {
      const n = size as number;
      if (used + n > poolBytes) {
        fill(pool);
        used = 0;
      }
      pool.copy(buf, offset as number, used, used + n);
      used += n;
      return buf;
    }
    return (fill as (...args: unknown[]) => unknown)(buf, offset, size);
  }
  return pooled as RandomFill;
}
