// resolveTarget: from what the user typed to fully resolved hops (target plus ProxyJump chain),
// through `ssh -G` when OpenSSH is installed, else through our own ssh_config reader.
import { userInfo } from 'node:os';
import path from 'node:path';
import type { ResolvedTarget, SshHop } from '../types';
import { evaluateConfig, type ConfigFile } from './config-evaluator';
import { sshConfigError } from './config-error';
import { buildHop, type HopContext, type TargetOverrides } from './hop-builder';
import { localIdentity } from './local-identity';
import { OpenSshUnavailable, resolveWithOpenSsh } from './openssh-resolver';
import type { SshOptions } from './ssh-options';
import { parseTargetSpec, type TargetSpec } from './target-spec';
import { expandPercent, expandTilde } from './tokens';

export interface ResolveTargetOptions {
  /** Like `ssh -F`: only this file is read. Default: ~/.ssh/config, then the system ssh_config. */
  sshConfigPath?: string;
  /** HOME, SSH_AUTH_SOCK and `${VAR}` expansions come from here (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** 'auto' (default) uses `ssh -G` when it exists; true requires it; false never runs it. */
  useOpenSsh?: boolean | 'auto';
  overrides?: TargetOverrides;
  /** Things silently skipped (Match exec, unknown tokens...), for logs; never contains secrets. */
  onWarning?: (message: string) => void;
  /** For tests: the `ssh` binary and the system config used by our own reader. */
  sshBinary?: string;
  systemConfigPath?: string;
}

type Source = ResolvedTarget['source'];
interface ResolvedHop { hop: SshHop; options: SshOptions; source: Source }

const MAX_JUMP_DEPTH = 8;

export async function resolveTarget(target: string, options: ResolveTargetOptions = {}): Promise<ResolvedTarget> {
  const spec = parseTargetSpec(target);
  const resolver = new TargetResolver(options);
  const overrides = options.overrides ?? {};
  const main = await resolver.resolveHop({
    ...spec,
    ...(overrides.user !== undefined ? { user: overrides.user } : {}),
    ...(overrides.port !== undefined ? { port: overrides.port } : {}),
  });
  const jumps = await resolver.resolveJumps(main, 1, new Set([hopIdentity(spec)]));
  return { ...main.hop, jumps, source: main.source };
}

class TargetResolver {
  private readonly env: NodeJS.ProcessEnv;
  private readonly ctx: HopContext;
  private openSshMissing: boolean;

  constructor(private readonly options: ResolveTargetOptions) {
    this.env = options.env ?? process.env;
    this.ctx = {
      local: localIdentity(this.env),
      env: this.env,
      overrides: options.overrides ?? {},
      onWarning: options.onWarning ?? (() => undefined),
    };
    this.openSshMissing = options.useOpenSsh === false || (options.useOpenSsh !== true && homeDiffersFromPasswd(this.env));
  }

  async resolveHop(spec: TargetSpec): Promise<ResolvedHop> {
    const { options, source } = await this.resolveOptions(spec);
    if (options.proxyCommand !== undefined) {
      throw sshConfigError(
        `${spec.host} uses ProxyCommand (${options.proxyCommand}), which the built-in SSH client cannot run.`,
        'Use ProxyJump instead of ProxyCommand for this host, or remove ProxyCommand from its config.',
      );
    }
    return { hop: buildHop(options, spec.host, this.ctx), options, source };
  }

  /** ProxyJump hops, first first. The first hop's own ProxyJump is followed, like the nested ssh would. */
  async resolveJumps(from: ResolvedHop, depth: number, seen: Set<string>): Promise<SshHop[]> {
    const jump = from.options.proxyJump;
    if (jump === undefined) return [];
    if (depth > MAX_JUMP_DEPTH) {
      throw sshConfigError(`ProxyJump for ${from.hop.alias} is nested too deeply.`, 'Check the SSH config for a ProxyJump loop.');
    }
    const expanded = expandPercent(jump, {
      '%': '%', h: from.options.hostName, n: from.hop.alias, p: String(from.options.port), r: from.options.user,
    }, 'ProxyJump');
    const hops: SshHop[] = [];
    for (const [index, text] of expanded.split(',').entries()) {
      const spec = parseTargetSpec(text, 'ProxyJump hop');
      const identity = hopIdentity(spec);
      if (seen.has(identity)) {
        throw sshConfigError(`ProxyJump loops back to ${spec.host}.`, 'Check the SSH config for a ProxyJump loop (a jump host may need `ProxyJump none`).');
      }
      const resolved = await this.resolveHop(spec);
      if (index === 0) hops.push(...await this.resolveJumps(resolved, depth + 1, new Set([...seen, identity])));
      hops.push(resolved.hop);
    }
    return hops;
  }

  private async resolveOptions(spec: TargetSpec): Promise<{ options: SshOptions; source: Source }> {
    if (!this.openSshMissing) {
      try {
        const options = await resolveWithOpenSsh({
          host: spec.host,
          ...(spec.user !== undefined ? { user: spec.user } : {}),
          ...(spec.port !== undefined ? { port: spec.port } : {}),
          ...(this.options.sshConfigPath !== undefined ? { configPath: this.options.sshConfigPath } : {}),
          ...(this.options.sshBinary !== undefined ? { sshBinary: this.options.sshBinary } : {}),
          env: this.env,
        });
        return { options, source: 'ssh -G' };
      } catch (err) {
        if (!(err instanceof OpenSshUnavailable)) throw err;
        if (this.options.useOpenSsh === true) {
          throw sshConfigError('OpenSSH (`ssh -G`) is not installed.', 'Install the OpenSSH client, or let the app read ~/.ssh/config itself.', err);
        }
        this.openSshMissing = true;
      }
    }
    const { options, filesRead } = evaluateConfig({
      hostArg: spec.host,
      ...(spec.user !== undefined ? { user: spec.user } : {}),
      ...(spec.port !== undefined ? { port: spec.port } : {}),
      files: this.configFiles(),
      local: this.ctx.local,
      env: this.env,
      onWarning: this.ctx.onWarning,
    });
    return { options, source: filesRead > 0 ? 'ssh_config' : 'literal' };
  }

  private configFiles(): ConfigFile[] {
    const { sshConfigPath, systemConfigPath } = this.options;
    if (sshConfigPath !== undefined) {
      return [{ path: expandTilde(sshConfigPath, this.ctx.local.home), kind: 'user', required: true }];
    }
    return [
      { path: path.join(this.ctx.local.home, '.ssh', 'config'), kind: 'user', required: false },
      { path: systemConfigPath ?? defaultSystemConfig(this.env), kind: 'system', required: false },
    ];
  }
}

/** Like OpenSSH's "jumphost loop" check: the same host, user and port as written. */
function hopIdentity(spec: TargetSpec): string {
  return `${spec.user ?? ''}@${spec.host}:${spec.port ?? ''}`;
}

function defaultSystemConfig(env: NodeJS.ProcessEnv): string {
  return process.platform === 'win32'
    ? path.join(env.PROGRAMDATA ?? 'C:\\ProgramData', 'ssh', 'ssh_config')
    : '/etc/ssh/ssh_config';
}

/**
 * `ssh -G` takes `~` from the password database, not from HOME. When HOME points elsewhere (a profile, a
 * sandbox, a test), asking OpenSSH would read and write another user's ~/.ssh, so the own reader is used.
 */
function homeDiffersFromPasswd(env: NodeJS.ProcessEnv): boolean {
  if (!env.HOME) return false;
  try {
    return path.resolve(env.HOME) !== path.resolve(userInfo().homedir);
  } catch {
    return false;
  }
}
