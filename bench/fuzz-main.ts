// `npm run fuzz -- --frames N [--seed S] [--lanes L]`: a long protocol fuzz run against a real gateway
// process. fast-check generates frames: requests for every implemented method (and unknown ones) with
// arbitrary params, arbitrary JSON, text and binary garbage, malformed frames, fresh sockets whose
// first frame is a random `connect` or anything else, and the odd oversize frame. After every batch a
// control client must still get a `health` answer. Reports frames sent and gateway crashes (exit 1 on
// a crash or when the gateway stops answering).

import fc from 'fast-check';
import { join } from 'node:path';
import WebSocket from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { numberFlag } from './lib/args';
import { gatewayDirs, startBenchGateway, type BenchGateway } from './lib/gateway-process';
import { RawGatewayClient } from './lib/gw-raw';
import { rssMiB, sleep } from './lib/proc';

const TOKEN = 'fuzz-token-0123456789abcdef';
const BATCH = 500;

interface Frame {
  /** Sent on a fresh, unauthenticated socket as its first frame (instead of on an authenticated one). */
  fresh: boolean;
  data: string | Buffer;
}

function frames(methods: string[]): fc.Arbitrary<Frame> {
  const method = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...methods) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
  const params = fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }));
  const id = fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }), fc.integer() as fc.Arbitrary<unknown>, fc.constant(null));
  const req = fc.record({ type: fc.constant('req'), id, method, params }).map((f) => JSON.stringify(f));
  const wrongType = fc.record({ type: fc.oneof(fc.constantFrom('res', 'event', 'req', 'REQ', ''), fc.string({ maxLength: 8 })), id, method, params, extra: fc.jsonValue({ maxDepth: 1 }) }).map((f) => JSON.stringify(f));
  const anyJson = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null');
  const text = fc.string({ maxLength: 300 });
  const truncated = req.chain((s) => fc.nat({ max: Math.max(0, s.length - 1) }).map((n) => s.slice(0, n)));
  const binary = fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a));
  const binaryJson = req.map((s) => Buffer.from(s));
  const connect = fc
    .record({
      minProtocol: fc.oneof(fc.constant(3), fc.integer()), maxProtocol: fc.oneof(fc.constant(3), fc.integer()),
      client: fc.oneof(fc.record({ id: fc.constantFrom('cli', 'webchat', 'test', 'x'), version: fc.string(), platform: fc.string(), mode: fc.constantFrom('cli', 'webchat', 'ui', 'nope') }), fc.jsonValue({ maxDepth: 2 })),
      role: fc.oneof(fc.constantFrom('operator', 'node'), fc.string()), scopes: fc.array(fc.string(), { maxLength: 4 }),
      auth: fc.oneof(fc.constant({ token: TOKEN }), fc.record({ token: fc.string() }), fc.jsonValue({ maxDepth: 1 })),
      device: fc.oneof(fc.constant(undefined), fc.record({ id: fc.string(), publicKey: fc.string(), signature: fc.string(), signedAt: fc.integer(), nonce: fc.string() })),
    }, { requiredKeys: [] })
    .map((params) => JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params }));
  const oversize = fc.constant('x'.repeat(520 * 1024));
  const onOpen = fc.oneof(
    { weight: 40, arbitrary: req }, { weight: 8, arbitrary: wrongType }, { weight: 8, arbitrary: anyJson }, { weight: 6, arbitrary: text },
    { weight: 4, arbitrary: truncated }, { weight: 4, arbitrary: binary }, { weight: 6, arbitrary: binaryJson },
  ).map((data): Frame => ({ fresh: false, data }));
  const first = fc.oneof({ weight: 6, arbitrary: connect }, { weight: 1, arbitrary: text }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: oversize }).map((data): Frame => ({ fresh: true, data }));
  return fc.oneof({ weight: 95, arbitrary: onOpen }, { weight: 5, arbitrary: first });
}

/** A fresh socket: waits for the challenge, sends one frame, gives the gateway a moment, hangs up. */
async function freshSocket(url: string, data: string | Buffer): Promise<void> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve) => {
    const done = (): void => {
      ws.terminate();
      resolve();
    };
    const timer = setTimeout(done, 2000);
    ws.once('message', () => {
      ws.send(data);
      setTimeout(() => {
        clearTimeout(timer);
        done();
      }, 20);
    });
    ws.once('error', () => {
      clearTimeout(timer);
      done();
    });
  });
}

export async function main(args: string[]): Promise<number> {
  const total = numberFlag(args, 'frames', 100_000);
  const seed = numberFlag(args, 'seed', Date.now() % 2 ** 31);
  const lanes = numberFlag(args, 'lanes', 4);
  const root = mkdtempSync(join(tmpdir(), 'clawdbot-fuzz-'));
  const dirs = gatewayDirs(root, TOKEN);
  let gw: BenchGateway = await startBenchGateway(dirs, TOKEN);
  let crashes = 0;
  let unresponsive = 0;
  let sent = 0;
  let reconnects = 0;
  const rssStart = rssMiB(gw.proc.pid);
  const t0 = performance.now();
  try {
    const control = await RawGatewayClient.connect(gw.url, TOKEN);
    const methods = control.hello.features?.methods ?? ['health'];
    control.close();
    console.log(`fuzzing ${gw.url} (PID ${gw.proc.pid}) with ${total} frames, seed ${seed}, ${lanes} lanes, ${methods.length} methods`);
    const arb = frames(methods);
    let batchNo = 0;
    while (sent < total) {
      const batch = fc.sample(arb, { numRuns: Math.min(BATCH, total - sent), seed: seed + batchNo++ });
      const share = Math.ceil(batch.length / lanes);
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          let conn: RawGatewayClient | undefined;
          for (const f of batch.slice(lane * share, (lane + 1) * share)) {
            if (f.fresh) await freshSocket(gw.url, f.data);
            else {
              if (!conn?.isOpen) {
                conn = await RawGatewayClient.connect(gw.url, TOKEN);
                reconnects++;
              }
              conn.ws.send(f.data);
              while (conn.ws.bufferedAmount > 256 * 1024) await sleep(1);
            }
            sent++;
          }
          // The gateway must have kept up: a health round trip on this lane's socket (or a new one).
          if (conn?.isOpen) await conn.request('health').catch(() => undefined);
          conn?.close();
        }),
      );
      if (gw.proc.child.exitCode !== null || gw.proc.child.signalCode !== null) {
        crashes++;
        console.log(`GATEWAY CRASHED after ${sent} frames (batch seed ${seed + batchNo - 1}): exit ${gw.proc.child.exitCode ?? gw.proc.child.signalCode}\n${gw.proc.output().slice(-3000)}`);
        gw = await startBenchGateway(dirs, TOKEN);
        continue;
      }
      const ok = await Promise.race([RawGatewayClient.connect(gw.url, TOKEN).then(async (c) => (await c.request('health')).ok === true && (c.close(), true)), sleep(10_000).then(() => false)]).catch(() => false);
      if (!ok) {
        unresponsive++;
        console.log(`the gateway did not answer health after ${sent} frames (batch seed ${seed + batchNo - 1})`);
      }
      if (batchNo % 20 === 0) console.log(`  ${sent} frames, ${((performance.now() - t0) / 1000).toFixed(0)} s, gateway RSS ${rssMiB(gw.proc.pid).toFixed(1)} MiB`);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`\nfuzz: frames sent ${sent}, gateway crashes ${crashes}, unanswered health checks ${unresponsive}, authenticated sockets ${reconnects}, ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)} frames/s), seed ${seed}`);
    console.log(`gateway RSS ${rssStart.toFixed(1)} → ${rssMiB(gw.proc.pid).toFixed(1)} MiB`);
    return crashes === 0 && unresponsive === 0 ? 0 : 1;
  } finally {
    await gw.proc.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
