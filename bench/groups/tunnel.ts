// Tunnel: direct WebSocket vs OpenSSH `ssh -N -L` vs our tunnel (the `clawdbot tunnel` CLI process, and
// the in-process engine both as the desktop uses it, a WebSocket over an SSH channel, and through its
// local port), all to the same Debian sshd on loopback and the same echo server process. A plain
// Node.js TCP relay process (no SSH) is measured too, for the cost of a Node.js hop by itself.
// Targets (issue 4): RTT p50 ≤ 1.0× OpenSSH, throughput ≥ 1.0×, in-process connect-to-ready ≤ 0.5× of
// ssh's spawn-to-listening, CLI spawn-to-first-echo ≤ 0.8× of `ssh -N -L`'s.

import { join } from 'node:path';
import { Tunnel } from '../../src/tunnel/supervisor';
import type { TunnelState } from '../../src/tunnel/tunnel-state';
import { rootSuiteUnavailable } from '../../test/support/sshd';
import { BENCH_LIB, CLI, cliEnv, type GroupContext } from '../lib/context';
import { freePort, start, waitForPort, type Child } from '../lib/proc';
import { cliTunnelArgs, engineTarget, loopbackSshd, sshForwardArgs, type SshFixture } from '../lib/ssh-target';
import { median, percentile, row, type Row } from '../lib/stats';
import { echoThroughput, firstEcho, roundTrips, type Endpoint } from '../lib/ws-measure';

const STARTS = 7;
const RTT_WARMUP = 500;
const RTT_ROUNDS = 10;
const RTT_PER_ROUND = 500;
const REPS = 5;
const THROUGHPUT_BYTES = 48 * 1024 * 1024;

function waitReady(tunnel: Tunnel, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tunnel not ready: ${JSON.stringify(tunnel.state)}`)), timeoutMs);
    const on = (s: TunnelState): void => {
      if (s.state === 'ready') {
        clearTimeout(timer);
        tunnel.off('state', on);
        resolve();
      } else if (s.state === 'failed') {
        clearTimeout(timer);
        tunnel.off('state', on);
        reject(new Error(`tunnel failed: ${JSON.stringify(s)}`));
      }
    };
    tunnel.on('state', on);
    on(tunnel.state);
  });
}

async function startSshForward(f: SshFixture, echoPort: number): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = start('ssh', sshForwardArgs(f, port, echoPort));
  await waitForPort(port);
  return { child, port };
}

async function startCliTunnel(ctx: GroupContext, f: SshFixture, echoPort: number, n: number): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = start(process.execPath, [CLI, ...cliTunnelArgs(f, port, echoPort)], { env: cliEnv(join(ctx.scratch, `cli-home-${n}`)) });
  await child.waitFor(/Tunnel ready: ws:\/\/127\.0\.0\.1:\d+/);
  return { child, port };
}

async function startEngine(f: SshFixture, echoPort: number): Promise<Tunnel> {
  const tunnel = new Tunnel({ target: engineTarget(f), remotePort: echoPort, localPort: 0 });
  await tunnel.start();
  await waitReady(tunnel);
  return tunnel;
}

export async function tunnelGroup(ctx: GroupContext): Promise<Row[]> {
  const why = rootSuiteUnavailable();
  if (why) throw new Error(`skipped: ${why}`);
  const f = await loopbackSshd(ctx.scratch);
  const echo = start(process.execPath, [join(BENCH_LIB, 'echo-server.mjs')]);
  const rows: Row[] = [];
  try {
    const echoPort = Number((await echo.waitFor(/echo listening on (\d+)/))[1]);
    const G = 'tunnel';

    // --- connect times -------------------------------------------------------------------------
    const sshListen: number[] = [];
    const sshEcho: number[] = [];
    const cliEcho: number[] = [];
    const cliReady: number[] = [];
    const engineReady: number[] = [];
    const directEcho: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const td = performance.now();
      await firstEcho(`ws://127.0.0.1:${echoPort}`);
      directEcho.push(performance.now() - td);

      // ssh: spawn → local port accepting, and (a separate spawn) spawn → first echo.
      let port = await freePort();
      let t0 = performance.now();
      let child = start('ssh', sshForwardArgs(f, port, echoPort));
      await waitForPort(port);
      sshListen.push(performance.now() - t0);
      await child.stop();

      port = await freePort();
      t0 = performance.now();
      child = start('ssh', sshForwardArgs(f, port, echoPort));
      await firstEcho(`ws://127.0.0.1:${port}`);
      sshEcho.push(performance.now() - t0);
      await child.stop();

      // clawdbot tunnel: spawn → first echo (its listener is up early; the echo needs the session).
      port = await freePort();
      t0 = performance.now();
      child = start(process.execPath, [CLI, ...cliTunnelArgs(f, port, echoPort)], { env: cliEnv(join(ctx.scratch, `cli-home-${i}`)) });
      await firstEcho(`ws://127.0.0.1:${port}`);
      cliEcho.push(performance.now() - t0);
      await child.waitFor(/Tunnel ready/);
      await child.stop();
      t0 = performance.now();
      child = start(process.execPath, [CLI, ...cliTunnelArgs(f, port, echoPort)], { env: cliEnv(join(ctx.scratch, `cli-home-${i}`)) });
      await child.waitFor(/Tunnel ready/);
      cliReady.push(performance.now() - t0);
      await child.stop();

      // In-process engine: start() → ready (the first one includes loading ssh2).
      t0 = performance.now();
      const tunnel = new Tunnel({ target: engineTarget(f), remotePort: echoPort, localPort: 0 });
      await tunnel.start();
      await waitReady(tunnel);
      engineReady.push(performance.now() - t0);
      await tunnel.stop();
    }
    ctx.log(`ssh spawn→listening ${sshListen.map((v) => v.toFixed(0)).join(' ')} ms`);
    ctx.log(`ssh spawn→first echo ${sshEcho.map((v) => v.toFixed(0)).join(' ')} ms`);
    ctx.log(`clawdbot tunnel spawn→first echo ${cliEcho.map((v) => v.toFixed(0)).join(' ')} ms; spawn→"Tunnel ready" ${cliReady.map((v) => v.toFixed(0)).join(' ')} ms`);
    ctx.log(`engine start→ready ${engineReady.map((v) => v.toFixed(0)).join(' ')} ms`);
    rows.push(row(G, { metric: 'direct WebSocket open→first echo (median)', ours: median(directEcho), unit: 'ms' }));
    rows.push(row(G, { metric: 'in-process engine connect→ready vs ssh spawn→listening (median)', ours: median(engineReady), reference: median(sshListen), unit: 'ms', maxRatio: 0.5, note: `${STARTS} runs each; first engine run loads ssh2` }));
    rows.push(row(G, { metric: '`clawdbot tunnel` spawn→first echo vs `ssh -N -L` (median)', ours: median(cliEcho), reference: median(sshEcho), unit: 'ms', maxRatio: 0.8, note: `spawn→"Tunnel ready" ${median(cliReady).toFixed(0)} ms` }));

    // --- round trips and throughput ------------------------------------------------------------
    const ssh = await startSshForward(f, echoPort);
    const cli = await startCliTunnel(ctx, f, echoPort, 99);
    const engine = await startEngine(f, echoPort);
    const relay = start(process.execPath, [join(BENCH_LIB, 'tcp-relay.mjs'), String(echoPort)]);
    const relayPort = Number((await relay.waitFor(/relay listening on (\d+)/))[1]);
    const paths: Record<string, Endpoint> = {
      direct: `ws://127.0.0.1:${echoPort}`,
      ssh: `ws://127.0.0.1:${ssh.port}`,
      cli: `ws://127.0.0.1:${cli.port}`,
      relay: `ws://127.0.0.1:${relayPort}`,
      engine: engine.url as string,
      // The desktop's own gateway connection: the same engine, the WebSocket over an SSH channel.
      channel: { url: 'ws://remote-gateway/', openStream: () => engine.openStream() },
    };
    // Round trips in rounds, the order of the paths rotating each round, so that a slow moment of the
    // machine falls on every path alike; p50 and p99 over the pooled samples of each path.
    const names = Object.keys(paths);
    const rtt: Record<string, number[]> = {};
    for (const name of names) await roundTrips(paths[name] as Endpoint, RTT_WARMUP);
    for (let round = 0; round < RTT_ROUNDS; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length] as string;
        (rtt[name] ??= []).push(...(await roundTrips(paths[name] as Endpoint, RTT_PER_ROUND, 20)).samples);
      }
    }
    const tput: Record<string, number[]> = {};
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(rep + k) % names.length] as string;
        (tput[name] ??= []).push(await echoThroughput(paths[name] as Endpoint, THROUGHPUT_BYTES));
      }
    }
    await Promise.all([ssh.child.stop(), cli.child.stop(), engine.stop(), relay.stop()]);
    const p50 = (n: string): number => percentile(rtt[n] ?? [], 50);
    const p99 = (n: string): number => percentile(rtt[n] ?? [], 99);
    const mbs = (n: string): number => median(tput[n] ?? []);
    const sample = `${RTT_ROUNDS}×${RTT_PER_ROUND} round trips of 64 B per path, interleaved`;
    rows.push(row(G, { metric: 'RTT p50, direct WebSocket (no tunnel)', ours: p50('direct'), unit: 'ms', note: `p99 ${p99('direct').toFixed(2)} ms` }));
    rows.push(row(G, { metric: 'RTT p50, `ssh -N -L`', ours: p50('ssh'), unit: 'ms', note: `p99 ${p99('ssh').toFixed(2)} ms` }));
    rows.push(row(G, { metric: 'RTT p50, `clawdbot tunnel` process vs ssh', ours: p50('cli'), reference: p50('ssh'), unit: 'ms', maxRatio: 1.0, note: `p99 ${p99('cli').toFixed(2)} vs ${p99('ssh').toFixed(2)} ms; ${sample}` }));
    rows.push(row(G, { metric: 'RTT p50, plain Node.js TCP relay process (no SSH), for scale', ours: p50('relay'), unit: 'ms', note: `p99 ${p99('relay').toFixed(2)} ms; one Node.js hop, no crypto` }));
    rows.push(row(G, { metric: 'RTT p50, desktop connection (engine in process, WebSocket over the SSH channel) vs ssh', ours: p50('channel'), reference: p50('ssh'), unit: 'ms', maxRatio: 1.0, note: `p99 ${p99('channel').toFixed(2)} ms; how the app reaches a remote gateway` }));
    rows.push(row(G, { metric: 'RTT p50, in-process engine through its local port', ours: p50('engine'), unit: 'ms', note: `p99 ${p99('engine').toFixed(2)} ms; client and tunnel in one process, over loopback TCP` }));
    const bytes = `${THROUGHPUT_BYTES / 1024 / 1024} MiB echoed in 64 KiB messages, median of ${REPS}`;
    rows.push(row(G, { metric: 'echo throughput, direct WebSocket', ours: mbs('direct'), unit: 'MiB/s' }));
    rows.push(row(G, { metric: 'echo throughput, `ssh -N -L`', ours: mbs('ssh'), unit: 'MiB/s' }));
    rows.push(row(G, { metric: 'echo throughput, `clawdbot tunnel` process vs ssh', ours: mbs('cli'), reference: mbs('ssh'), unit: 'MiB/s', minRatio: 1.0, note: bytes }));
    rows.push(row(G, { metric: 'echo throughput, plain Node.js TCP relay process (no SSH), for scale', ours: mbs('relay'), unit: 'MiB/s' }));
    rows.push(row(G, { metric: 'echo throughput, desktop connection (WebSocket over the SSH channel) vs ssh', ours: mbs('channel'), reference: mbs('ssh'), unit: 'MiB/s', minRatio: 1.0, note: 'client and tunnel share one event loop' }));
    rows.push(row(G, { metric: 'echo throughput, in-process engine through its local port', ours: mbs('engine'), unit: 'MiB/s', note: 'client and tunnel share one event loop' }));
    return rows;
  } finally {
    await echo.stop();
    await f.sshd.stop({ dropSessions: true });
  }
}
