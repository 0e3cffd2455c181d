// `clawdbot gateway probe`: tries every gateway this machine could mean (the explicit URL, the local
// loopback port, the configured remote, and an SSH tunnel) and says which answer (spec §15.2).

import { loadClientConfig, resolveClientTarget, type ClientTarget } from '../../config/client-target';
import { booleanFlag, parseMilliseconds, stringFlag } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS } from '../connection-options';
import { describeSelf, probeGateway, type ProbeResult } from '../probe';
import { probeOverSsh } from '../ssh-probe';

const HELP = `Usage: clawdbot gateway probe [options]

Probe the gateways this machine could mean: --url, the local loopback port, the configured remote
(gateway.remote.url) and, with --ssh, a gateway reached through an SSH tunnel.

Options:
  --url URL            also probe this URL
  --ssh TARGET         probe through an SSH tunnel to user@host[:port] (default: gateway.remote.sshTarget)
  --ssh-identity FILE  the SSH key to use
  --ssh-auto           use gateway.remote.sshTarget from the config
  --ssh-known-hosts F  known_hosts file to check the SSH host key against (default ~/.ssh/known_hosts)
  --token TOKEN        gateway token (default: as the other commands resolve it)
  --password PASS      gateway password
  --timeout MS         budget per target (default 3000)
  --json               print JSON
  -h, --help           show this help
`;

interface Probed {
  kind: string;
  result: ProbeResult;
  warning?: string;
}

function targetFor(base: ClientTarget, url: string, urlSource: string, creds?: { token?: string; password?: string }): ClientTarget {
  return { ...base, url, urlSource, isLocalUrl: false, ...(creds ? { token: creds.token, password: creds.password } : {}) };
}

export function run(args: string[]): Promise<number> {
  const flags = {
    ...CONNECTION_FLAGS,
    ssh: { type: 'string' as const, valueName: 'target' },
    'ssh-identity': { type: 'string' as const, valueName: 'file' },
    'ssh-auto': { type: 'boolean' as const },
    'ssh-known-hosts': { type: 'string' as const, valueName: 'file' },
  };
  return runCommand(args, { name: 'gateway probe', help: HELP, flags }, async (ctx) => {
    const p = ctx.parsed;
    const budgetMs = parseMilliseconds(stringFlag(p, 'timeout'), 'timeout', 3000);
    const loaded = loadClientConfig();
    const explicitUrl = stringFlag(p, 'url');
    const cliToken = stringFlag(p, 'token');
    const cliPassword = stringFlag(p, 'password');
    const base = resolveClientTarget({ url: explicitUrl, token: cliToken, password: cliPassword }, loaded, process.env, { fallbackToLocal: true });
    ctx.target = base;

    const plan: Array<{ kind: string; target: ClientTarget }> = [];
    if (explicitUrl) plan.push({ kind: 'URL (explicit)', target: targetFor(base, explicitUrl, 'cli --url') });
    plan.push({ kind: 'Local loopback', target: targetFor(base, base.localUrl, 'local loopback') });
    const remoteCreds = { token: cliToken ?? base.remote.token, password: cliPassword ?? base.remote.password };
    if (base.remote.url) plan.push({ kind: 'Remote (config)', target: targetFor(base, base.remote.url, 'config gateway.remote.url', remoteCreds) });
    const seen = new Set<string>();
    const unique = plan.filter(({ target }) => !seen.has(target.url) && seen.add(target.url));

    const probed: Probed[] = await Promise.all(unique.map(async ({ kind, target }) => ({ kind, result: await probeGateway(target, budgetMs) })));
    const sshTarget = stringFlag(p, 'ssh') ?? (booleanFlag(p, 'ssh-auto') ? base.remote.sshTarget : undefined);
    if (sshTarget) {
      const ssh = await probeOverSsh({ sshTarget, identityFile: stringFlag(p, 'ssh-identity'), knownHostsFile: stringFlag(p, 'ssh-known-hosts'), remoteUrl: base.remote.url, base: targetFor(base, base.localUrl, 'ssh tunnel', remoteCreds), budgetMs });
      probed.push({ kind: `SSH tunnel ${sshTarget}`, result: ssh.result, warning: ssh.warning });
    }
    const reachable = probed.some((x) => x.result.ok);

    if (booleanFlag(p, 'json')) {
      printJson({ reachable, budgetMs, targets: probed.map((x) => ({ kind: x.kind, ...x.result, ...(x.warning ? { warning: x.warning } : {}) })) });
      return reachable ? 0 : 1;
    }
    const lines = ['Gateway Status', `Reachable: ${reachable ? 'yes' : 'no'}`, `Probe budget: ${budgetMs}ms`, '', 'Discovery: Bonjour is not used; probing the targets below.', ''];
    for (const { kind, result, warning } of probed) {
      lines.push(`${kind} ${result.url}`);
      if (warning) lines.push(`  Warning: ${warning}`);
      else if (result.ok) {
        lines.push(`  Connect: ok (${result.connectMs}ms) · RPC: ${result.rpcOk ? 'ok' : `failed (${result.error})`}`);
        lines.push(`  Gateway: ${describeSelf(result.self, result.serverVersion)}`);
      } else lines.push(`  Connect: failed · ${result.error ?? 'unknown error'}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return reachable ? 0 : 1;
  });
}
