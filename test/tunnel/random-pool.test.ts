// ssh2's packet padding comes from a pooled randomFillSync (src/tunnel/random-pool.ts): the same CSPRNG
// bytes, each handed out once, one real fill per 16 KiB instead of one per packet. The pool reaches
// ssh2 only (the loader swaps it in while ssh2's crypto module loads); everyone else keeps the real one.
import type * as NodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { pooledRandomFill } from '../../src/tunnel/random-pool';
import { loadSsh2Parts } from '../../src/tunnel/ssh2-loader';

const require = createRequire(import.meta.url);

function countingFill(): { fill: typeof NodeCrypto.randomFillSync; calls: () => number } {
  const real = (require('node:crypto') as typeof NodeCrypto).randomFillSync;
  let calls = 0;
  const fill = ((...args: Parameters<typeof real>) => {
    calls++;
    return (real as (...a: unknown[]) => unknown)(...args);
  }) as typeof real;
  return { fill, calls: () => calls };
}

describe('pooledRandomFill', () => {
  it('fills the asked range only, with bytes never handed out twice, drawing the real fill once per pool', () => {
    const { fill, calls } = countingFill();
    const pooled = pooledRandomFill(fill, 1024);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const buf = Buffer.alloc(40, 0xee);
      expect(pooled(buf, 4, 32)).toBe(buf);
      expect(buf.subarray(0, 4).equals(Buffer.alloc(4, 0xee))).toBe(true);
      expect(buf.subarray(36).equals(Buffer.alloc(4, 0xee))).toBe(true);
      seen.add(buf.subarray(4, 36).toString('hex'));
    }
    expect(seen.size).toBe(100);
    expect(calls()).toBe(Math.ceil((100 * 32) / 1024)); // 32 draws of 32 bytes per pool of 1024
  });

  it('passes whole buffers, large requests and other argument shapes to the real fill', () => {
    const { fill, calls } = countingFill();
    const pooled = pooledRandomFill(fill, 1024);
    pooled(Buffer.alloc(16));
    pooled(Buffer.alloc(4096), 0, 1000);
    pooled(new Uint8Array(8), 0, 8);
    expect(calls()).toBe(3);
    expect(() => pooled(Buffer.alloc(8), 4, 8)).toThrow(RangeError); // out of range: the real fill's own error
  });
});

describe('loadSsh2Parts', () => {
  it("gives ssh2's packet padding the pool and leaves crypto.randomFillSync as it was", async () => {
    const nodeCrypto = require('node:crypto') as typeof NodeCrypto;
    const real = nodeCrypto.randomFillSync;
    const counting = countingFill();
    nodeCrypto.randomFillSync = counting.fill;
    try {
      const ssh2 = await loadSsh2Parts(require);
      expect(nodeCrypto.randomFillSync).toBe(counting.fill);
      // ssh2's AES-GCM cipher pads every packet it sends: 500 packets, a handful of real fills.
      const { CIPHER_INFO, createCipher } = require('ssh2/lib/protocol/crypto.js') as {
        CIPHER_INFO: Record<string, unknown>;
        createCipher: (config: unknown) => { allocPacket(len: number): Buffer; encrypt(packet: Buffer): void };
      };
      const sent: Buffer[] = [];
      const cipher = createCipher({
        outbound: { onWrite: (p: Buffer) => sent.push(Buffer.from(p)), cipherInfo: CIPHER_INFO['aes128-gcm@openssh.com'], cipherKey: Buffer.alloc(16, 1), cipherIV: Buffer.alloc(12, 2), seqno: 0, macInfo: null, macKey: null },
      });
      const before = counting.calls();
      for (let i = 0; i < 500; i++) cipher.encrypt(cipher.allocPacket(64));
      expect(sent).toHaveLength(500);
      expect(counting.calls() - before).toBeLessThanOrEqual(2);
      expect(typeof ssh2.Client).toBe('function');
    } finally {
      nodeCrypto.randomFillSync = real;
    }
  });
});
