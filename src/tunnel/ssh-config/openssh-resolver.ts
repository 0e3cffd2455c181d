// Asks the installed OpenSSH client for the effective settings: `ssh -G` applies every rule of the
// user's config exactly. Runs without a shell; the host has been validated and follows `--`.
import { execFile } from 'node:child_process';
import { sshConfigError } from './config-error';
import { parseStrictHostKeyChecking, parseTime, parseYesNo, type SshOptions } from './ssh-options';

export interface OpenSshQuery {
  host: string;
  user?: string;
  port?: number;
  configPath?: string;
  env: NodeJS.ProcessEnv;
  sshBinary?: string;
  timeoutMs?: number;
}

/** Thrown when no usable `ssh -G` exists, so the caller can fall back to its own parser. */
export class OpenSshUnavailable extends Error {}

export function sshGArgs(query: OpenSshQuery): string[] {
  return [
    '-G',
    ...(query.configPath !== undefined ? ['-F', query.configPath] : []),
    ...(query.port !== undefined ? ['-p', String(query.port)] : []),
    ...(query.user !== undefined ? ['-l', query.user] : []),
    '--',
    query.host,
  ];
}

export async function resolveWithOpenSsh(query: OpenSshQuery): Promise<SshOptions> {
  const stdout = await runSshG(query);
  return parseSshGOutput(stdout);
}

function runSshG(query: OpenSshQuery): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      query.sshBinary ?? 'ssh',
      sshGArgs(query),
      // Without PATH in the caller's environment `ssh` would not be found at all.
      { env: query.env.PATH === undefined ? { ...query.env, PATH: process.env.PATH } : query.env, timeout: query.timeoutMs ?? 5000, windowsHide: true, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || /unknown option -- G|illegal option -- G/.test(stderr)) {
          return reject(new OpenSshUnavailable('ssh -G is not available'));
        }
        const detail = stderr.trim().split('\n').filter((l) => !l.startsWith('Pseudo-terminal')).pop() ?? err.message;
        reject(sshConfigError(`ssh -G ${query.host} failed: ${detail}`, 'Fix the SSH config; `ssh -G HOST` shows what OpenSSH makes of it.', err));
      },
    );
  });
}

/** `ssh -G` prints one lowercase `key value` per line; identityfile repeats, known hosts lists are space-separated. */
export function parseSshGOutput(stdout: string): SshOptions {
  const values = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) (.*)$/.exec(line.replace(/\r$/, ''));
    if (!match) continue;
    const [, key = '', value = ''] = match;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const first = (key: string): string | undefined => values.get(key)?.[0];
  const required = (key: string): string => {
    const value = first(key);
    if (value === undefined) throw sshConfigError(`ssh -G printed no "${key}".`, 'Your OpenSSH client is unusual; try without it (useOpenSsh: false).');
    return value;
  };
  const connectTimeout = first('connecttimeout');
  const identityAgent = first('identityagent');
  const proxyJump = first('proxyjump');
  const proxyCommand = first('proxycommand');
  const hostKeyAlias = first('hostkeyalias');
  return {
    hostName: required('hostname'),
    user: required('user'),
    port: Number(required('port')),
    identityFiles: values.get('identityfile') ?? [],
    identitiesOnly: parseYesNo(first('identitiesonly') ?? 'no') ?? false,
    ...(identityAgent !== undefined ? { identityAgent } : {}),
    ...(proxyJump !== undefined && proxyJump !== 'none' ? { proxyJump } : {}),
    ...(proxyCommand !== undefined && proxyCommand !== 'none' ? { proxyCommand } : {}),
    serverAliveInterval: parseTime(first('serveraliveinterval') ?? '0') ?? 0,
    serverAliveCountMax: Number(first('serveralivecountmax') ?? 3),
    ...(connectTimeout !== undefined && connectTimeout !== 'none' ? { connectTimeout: Number(connectTimeout) } : {}),
    userKnownHostsFiles: splitList(first('userknownhostsfile')),
    globalKnownHostsFiles: splitList(first('globalknownhostsfile')),
    strictHostKeyChecking: parseStrictHostKeyChecking(first('stricthostkeychecking') ?? 'ask') ?? 'ask',
    ...(hostKeyAlias !== undefined ? { hostKeyAlias } : {}),
    hashKnownHosts: parseYesNo(first('hashknownhosts') ?? 'no') ?? false,
  };
}

function splitList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(' ').filter((s) => s.length > 0);
}
