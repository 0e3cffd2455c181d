// `clawdbot gateway status`: how this machine's gateway is set up and whether it answers (spec §15.2).
// It probes the local port even in remote mode (the tunnel's end) unless --url says otherwise.

import { loadClientConfig, resolveClientTarget } from '../../config/client-target';
import { booleanFlag, parseMilliseconds, stringFlag } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp } from '../connection-options';
import { readGatewayRuntime } from '../gateway-runtime';
import { describeSelf, probeGateway, type ProbeResult } from '../probe';

const HELP = `Usage: clawdbot gateway status [options]

The gateway's settings on this machine, whether it runs, and an RPC probe. Exits 0 even when
the gateway is down (that is reported); use "clawdbot gateway health" to test it in scripts.

Options:
  --no-probe         skip the RPC probe
  --deep             also ask the gateway to probe its channels
${connectionHelp(10_000)}`;

export function run(args: string[]): Promise<number> {
  const flags = { ...CONNECTION_FLAGS, probe: { type: 'boolean' as const }, deep: { type: 'boolean' as const } };
  return runCommand(args, { name: 'gateway status', help: HELP, flags }, async (ctx) => {
    const p = ctx.parsed;
    const timeoutMs = parseMilliseconds(stringFlag(p, 'timeout'), 'timeout', 10_000);
    const loaded = loadClientConfig();
    const explicitUrl = stringFlag(p, 'url');
    const configured = resolveClientTarget({ url: explicitUrl, token: stringFlag(p, 'token'), password: stringFlag(p, 'password') }, loaded, process.env, { fallbackToLocal: true });
    // Without --url the local port is probed, also in remote mode (it is the tunnel's end there).
    const target = explicitUrl ? configured : { ...configured, url: configured.localUrl, urlSource: 'local loopback', isLocalUrl: true };
    ctx.target = target;
    const runtime = readGatewayRuntime(loaded.configPath);
    const probe: ProbeResult | undefined = p.flags.probe === false ? undefined : await probeGateway(target, timeoutMs, { deep: booleanFlag(p, 'deep') });
    const host = new URL(target.url).hostname;
    if (booleanFlag(p, 'json')) {
      printJson({
        config: { path: loaded.configPath, exists: loaded.exists, mode: configured.mode },
        gateway: { bind: target.bind, port: target.port, portSource: target.portSource, probeUrl: target.url },
        runtime: { running: runtime.running, pid: runtime.pid ?? null, lockPath: runtime.lockPath },
        probe: probe ?? null,
      });
      return 0;
    }
    const lines = [
      `Service: none (clawdbot runs the gateway in the foreground: clawdbot gateway run)`,
      `Config: ${loaded.configPath}${loaded.exists ? '' : ' (not found; defaults apply)'}`,
      `Mode: ${configured.mode}${configured.mode === 'remote' && configured.remote.url ? ` (remote ${configured.remote.url})` : ''}`,
      `Gateway: bind=${target.bind} (${target.bind === 'loopback' ? '127.0.0.1' : target.bind}), port=${target.port} (${target.portSource})`,
      `Probe target: ${target.url}`,
      `Dashboard: http://127.0.0.1:${target.port}/`,
      `Runtime: ${runtime.running ? `running (pid ${runtime.pid})` : 'not running (no live gateway lock for this config)'}`,
    ];
    if (probe) {
      lines.push(probe.ok && probe.rpcOk ? 'RPC probe: ok' : `RPC probe: failed (${probe.error ?? 'unknown error'})`);
      if (probe.ok) {
        lines.push(`Listening: ${host}:${new URL(target.url).port || target.port}`);
        lines.push(`Gateway host: ${describeSelf(probe.self, probe.serverVersion)}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
