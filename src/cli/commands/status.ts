// `clawdbot status [--deep] [--json]`: this machine's Clawdbot at a glance, plus the gateway it points
// at. Never fails because the gateway is down: that is a status, printed with its reason.

import { loadClientConfig, resolveClientTarget } from '../../config/client-target';
import { resolveStateDir } from '../../config/paths';
import { VERSION } from '../../shared/version';
import { booleanFlag, parseMilliseconds, stringFlag } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp } from '../connection-options';
import { channelLines, formatAge, type HealthSummaryView } from '../health-format';
import { describeSelf, probeGateway } from '../probe';

const HELP = `Usage: clawdbot status [options]

A summary of this machine's Clawdbot and the gateway it points at.

Options:
  --deep             also ask the gateway to probe its health and channels
  --verbose          show where the gateway target came from
${connectionHelp(10_000)}`;

interface StatusView {
  sessions?: { count?: number; recent?: Array<{ key?: string; age?: number }> };
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)} │ ${v}`);
}

export function run(args: string[]): Promise<number> {
  const flags = { ...CONNECTION_FLAGS, deep: { type: 'boolean' as const }, verbose: { type: 'boolean' as const } };
  return runCommand(args, { name: 'status', help: HELP, flags }, async (ctx) => {
    const p = ctx.parsed;
    const deep = booleanFlag(p, 'deep');
    const timeoutMs = parseMilliseconds(stringFlag(p, 'timeout'), 'timeout', 10_000);
    const loaded = loadClientConfig();
    const target = resolveClientTarget({ url: stringFlag(p, 'url'), token: stringFlag(p, 'token'), password: stringFlag(p, 'password') }, loaded, process.env, { fallbackToLocal: true });
    ctx.target = target;
    const probe = await probeGateway(target, timeoutMs, { deep });
    const auth = target.token ? 'token' : target.password ? 'password' : 'none';

    if (booleanFlag(p, 'json')) {
      printJson({
        version: VERSION,
        configPath: loaded.configPath,
        configExists: loaded.exists,
        stateDir: resolveStateDir(),
        gateway: { mode: target.mode, url: target.url, urlSource: target.urlSource, auth, reachable: probe.ok, connectMs: probe.connectMs ?? null, error: probe.error ?? null, server: probe.self ?? null, serverVersion: probe.serverVersion ?? null },
        status: probe.status ?? null,
        ...(deep ? { health: probe.health ?? null, channels: probe.channels ?? null } : {}),
      });
      return 0;
    }

    const reach = probe.ok
      ? `reachable ${probe.connectMs}ms · auth ${auth} · ${describeSelf(probe.self, probe.serverVersion)}`
      : `unreachable (${probe.error ?? 'unknown error'})`;
    const rows: Array<[string, string]> = [
      ['Version', VERSION],
      ['Config', `${loaded.configPath}${loaded.exists ? '' : ' (not found; defaults apply)'}`],
      ['State dir', resolveStateDir()],
      ['Gateway', `${target.mode} · ${target.url} (${target.urlSource}) · ${reach}`],
    ];
    const sessions = (probe.status as StatusView | undefined)?.sessions;
    if (sessions) {
      const recent = (sessions.recent ?? []).slice(0, 3).map((r) => `${r.key ?? '?'}${typeof r.age === 'number' ? ` ${formatAge(r.age)} ago` : ''}`);
      rows.push(['Sessions', `${sessions.count ?? 0}${recent.length ? ` (${recent.join(', ')})` : ''}`]);
    }
    const lines = ['Clawdbot status', '', 'Overview', ...table(rows)];
    if (booleanFlag(p, 'verbose')) lines.push('', `Gateway target: ${target.url}`, `Source: ${target.urlSource}`, `Config: ${target.configPath}`);
    if (deep) {
      const health = probe.health as HealthSummaryView | undefined;
      const healthRows: Array<[string, string]> = [['Gateway', probe.ok ? `reachable │ ${health?.durationMs ?? probe.connectMs ?? 0}ms` : `unreachable │ ${probe.error ?? 'unknown error'}`]];
      for (const line of health ? channelLines(health) : []) {
        const [name, ...rest] = line.split(': ');
        healthRows.push([name as string, rest.join(': ')]);
      }
      lines.push('', 'Health', ...table(healthRows));
    }
    if (!probe.ok) lines.push('', `The gateway did not answer. Start it with "clawdbot gateway run", or check: clawdbot gateway status`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
