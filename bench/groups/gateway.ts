// Gateway: cold start, idle memory, `health` round trips with 1/100/1,000 connected clients, requests
// per second, memory per client, the CLI's `gateway health`. The reference gateway cannot be installed
// here (its dependency tree is huge), so ours is compared with the reference figures stated in issue 2
// (≈2.6 s warm start, ≈1.5 s `gateway health`, ≈310 MiB idle, ≈0.1 ms health p50).

import { join } from 'node:path';
import { CLI, cliEnv, REPO, type GroupContext } from '../lib/context';
import { gatewayDirs, startBenchGateway, type BenchGateway } from '../lib/gateway-process';
import { RawGatewayClient } from '../lib/gw-raw';
import { rssMiB, sleep, start } from '../lib/proc';
import { median, percentile, row, type Row } from '../lib/stats';

const REF = { startMs: 2600, cliHealthMs: 1500, idleMiB: 310, healthP50Ms: 0.1 };
const TOKEN = 'bench-gateway-token-0123456789';
const WARM_STARTS = 5;
const HEALTH_COUNT = 2000;
const RPS_SECONDS = 3;
const CLI_RUNS = 7;

async function healthRtt(client: RawGatewayClient, count: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 1000; i++) await client.request('health');
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await client.request('health');
    samples.push(performance.now() - t0);
    if (!res.ok) throw new Error(`health failed: ${JSON.stringify(res.error)}`);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function connectMany(gw: BenchGateway, n: number, into: RawGatewayClient[]): Promise<void> {
  const batch = 50;
  for (let i = 0; i < n; i += batch) {
    const size = Math.min(batch, n - i);
    into.push(...(await Promise.all(Array.from({ length: size }, () => RawGatewayClient.connect(gw.url, TOKEN)))));
  }
}

/** Health requests per second with `clients` connections, each keeping `depth` requests in flight. */
async function requestsPerSecond(gw: BenchGateway, clients: number, depth: number, seconds: number): Promise<number> {
  const conns = await Promise.all(Array.from({ length: clients }, () => RawGatewayClient.connect(gw.url, TOKEN)));
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    conns.flatMap((c) =>
      Array.from({ length: depth }, async () => {
        while (performance.now() < deadline) {
          await c.request('health');
          done++;
        }
      }),
    ),
  );
  const rate = done / ((performance.now() - t0) / 1000);
  for (const c of conns) c.close();
  return rate;
}

export async function gatewayGroup(ctx: GroupContext): Promise<Row[]> {
  const G = 'gateway';
  const rows: Row[] = [];
  const dirs = gatewayDirs(join(ctx.scratch, 'gw'), TOKEN);

  // Cold start to listening: the very first start (fresh state dir), then warm starts.
  const first = await startBenchGateway(dirs, TOKEN);
  await first.proc.stop();
  const warm: number[] = [];
  for (let i = 0; i < WARM_STARTS; i++) {
    const gw = await startBenchGateway(dirs, TOKEN);
    warm.push(gw.startMs);
    await gw.proc.stop();
  }
  ctx.log(`start→listening: first ${first.startMs.toFixed(0)} ms, warm ${warm.map((v) => v.toFixed(0)).join(' ')} ms`);
  rows.push(row(G, { metric: 'warm start → listening (median)', ours: median(warm), reference: REF.startMs, unit: 'ms', maxRatio: 0.1, note: `first start ${first.startMs.toFixed(0)} ms; ref: stated figure` }));

  const gw = await startBenchGateway(dirs, TOKEN);
  const clients: RawGatewayClient[] = [];
  try {
    await sleep(3000);
    const idle = rssMiB(gw.proc.pid);
    rows.push(row(G, { metric: 'idle RSS (no clients, 3 s after start)', ours: idle, reference: REF.idleMiB, unit: 'MiB', maxRatio: 0.25, note: 'ref: stated figure' }));

    // health round trips with 1, 100 and 1,000 connected clients (the extra ones idle, mode cli).
    await connectMany(gw, 1, clients);
    const measuring = clients[0] as RawGatewayClient;
    const one = await healthRtt(measuring, HEALTH_COUNT);
    await sleep(500);
    const rssOne = rssMiB(gw.proc.pid);
    rows.push(row(G, { metric: 'health RTT p50, 1 client', ours: one.p50, reference: REF.healthP50Ms, unit: 'ms', maxValue: 1, note: `p99 ${one.p99.toFixed(3)} ms; target "well under 1 ms"` }));
    await connectMany(gw, 99, clients);
    const hundred = await healthRtt(measuring, HEALTH_COUNT);
    rows.push(row(G, { metric: 'health RTT p50, 100 clients', ours: hundred.p50, reference: REF.healthP50Ms, unit: 'ms', maxValue: 1, note: `p99 ${hundred.p99.toFixed(3)} ms` }));
    await connectMany(gw, 900, clients);
    const thousand = await healthRtt(measuring, HEALTH_COUNT);
    await sleep(1000);
    const rssThousand = rssMiB(gw.proc.pid);
    rows.push(row(G, { metric: 'health RTT p50, 1,000 clients', ours: thousand.p50, reference: REF.healthP50Ms, unit: 'ms', maxValue: 1, note: `p99 ${thousand.p99.toFixed(3)} ms` }));
    rows.push(row(G, { metric: 'memory per connected client', ours: ((rssThousand - rssOne) * 1024) / 999, unit: 'KiB', note: `RSS ${rssOne.toFixed(1)} → ${rssThousand.toFixed(1)} MiB from 1 to 1,000 clients` }));
    for (const c of clients.splice(0)) c.close();
    await sleep(500);

    const rps = await requestsPerSecond(gw, 16, 32, RPS_SECONDS);
    rows.push(row(G, { metric: 'health requests per second', ours: rps, unit: 'req/s', note: '16 connections × 32 in flight; the load generator shares the 2 cores' }));

    // The CLI's `gateway health`, spawn to exit (one warm-up run creates the CLI's device identity).
    const home = join(ctx.scratch, 'cli-home');
    const runCli = async (): Promise<number> => {
      const t0 = performance.now();
      const p = start(process.execPath, [CLI, 'gateway', 'health', '--url', gw.url, '--token', TOKEN], { env: cliEnv(home), cwd: REPO });
      const code = await p.exited;
      const ms = performance.now() - t0;
      if (code !== 0 || !/OK/.test(p.output())) throw new Error(`gateway health failed (${code}): ${p.output()}`);
      return ms;
    };
    await runCli();
    const cliTimes: number[] = [];
    for (let i = 0; i < CLI_RUNS; i++) cliTimes.push(await runCli());
    ctx.log(`clawdbot gateway health: ${cliTimes.map((v) => v.toFixed(0)).join(' ')} ms`);
    rows.push(row(G, { metric: '`clawdbot gateway health` wall time (median)', ours: median(cliTimes), reference: REF.cliHealthMs, unit: 'ms', maxRatio: 0.2, note: `${CLI_RUNS} runs, spawn to exit; ref: stated figure` }));
    return rows;
  } finally {
    for (const c of clients) c.close();
    await gw.proc.stop();
  }
}
