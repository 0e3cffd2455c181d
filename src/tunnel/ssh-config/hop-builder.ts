// Turns resolved settings (from either resolver) into the SshHop the session engine consumes:
// expands identity files, maps agent keywords, applies our keepalive defaults and caller overrides.
import type { SshHop } from '../types';
import { OPENSSH_DEFAULT_IDENTITY_FILES, type SshOptions } from './ssh-options';
import { MissingEnvironmentVariable, expandPath, expandTilde, type LocalIdentity } from './tokens';
import type { StrictHostKeyChecking } from '../types';

export interface TargetOverrides {
  port?: number;
  user?: string;
  /** Tried before the configured identity files (like `ssh -i`); applies to every hop. */
  identityFile?: string;
  /** Replaces UserKnownHostsFile for every hop (global files are still read). */
  knownHostsFile?: string;
  /** Replaces StrictHostKeyChecking for every hop. */
  strictHostKeyChecking?: StrictHostKeyChecking;
}

export interface HopContext {
  local: LocalIdentity;
  env: NodeJS.ProcessEnv;
  overrides: TargetOverrides;
  onWarning: (message: string) => void;
}

/** Keys ssh2 can use, newest first; used when the config names none (OpenSSH's list adds sk/xmss/dsa). */
export const ENGINE_DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
/** Our keepalive when the config sets none: a dead link is noticed within 15 s. */
export const DEFAULT_SERVER_ALIVE_INTERVAL_MS = 5000;

export function buildHop(options: SshOptions, alias: string, ctx: HopContext): SshHop {
  const { local, env, overrides } = ctx;
  const conn = {
    hostName: options.hostName, originalHost: alias, port: options.port, remoteUser: options.user,
    ...(options.hostKeyAlias !== undefined ? { hostKeyAlias: options.hostKeyAlias } : {}),
  };
  const configured = isOpenSshDefault(options.identityFiles) ? ENGINE_DEFAULT_IDENTITY_FILES : options.identityFiles;
  const identityFiles = unique([
    ...(overrides.identityFile !== undefined ? [expandTilde(overrides.identityFile, local.home)] : []),
    ...configured.flatMap((file) => {
      try {
        return [expandPath(file, local, conn, env, 'IdentityFile')];
      } catch (err) {
        if (!(err instanceof MissingEnvironmentVariable)) throw err;
        ctx.onWarning(`IdentityFile "${file}" is ignored: ${err.message}.`);
        return [];
      }
    }),
  ]);
  const userKnownHostsFiles = overrides.knownHostsFile !== undefined
    ? [expandTilde(overrides.knownHostsFile, local.home)]
    : withoutNone(options.userKnownHostsFiles);
  const agent = agentSocket(options.identityAgent, env);
  return {
    alias,
    hostName: options.hostName,
    port: options.port,
    user: options.user,
    identityFiles,
    identitiesOnly: options.identitiesOnly,
    ...(agent !== undefined ? { identityAgent: agent } : {}),
    userKnownHostsFiles,
    globalKnownHostsFiles: withoutNone(options.globalKnownHostsFiles).map((f) => expandTilde(f, local.home)),
    strictHostKeyChecking: overrides.strictHostKeyChecking ?? options.strictHostKeyChecking,
    ...(options.hostKeyAlias !== undefined ? { hostKeyAlias: options.hostKeyAlias } : {}),
    ...(options.connectTimeout ? { connectTimeoutMs: options.connectTimeout * 1000 } : {}),
    // ssh -G prints 0 both for "unset" and "off", so 0 gets our default too.
    serverAliveIntervalMs: options.serverAliveInterval > 0 ? options.serverAliveInterval * 1000 : DEFAULT_SERVER_ALIVE_INTERVAL_MS,
    serverAliveCountMax: options.serverAliveCountMax > 0 ? options.serverAliveCountMax : 3,
    hashKnownHosts: options.hashKnownHosts,
  };
}

/** null = no agent (`none`); undefined = SSH_AUTH_SOCK; `$NAME` reads that variable. */
function agentSocket(value: string | undefined, env: NodeJS.ProcessEnv): string | null | undefined {
  if (value === undefined || value === 'SSH_AUTH_SOCK') return undefined;
  if (value === 'none') return null;
  if (value.startsWith('$')) return env[value.slice(1)] || null;
  return value;
}

function isOpenSshDefault(files: string[]): boolean {
  return files.length === OPENSSH_DEFAULT_IDENTITY_FILES.length && files.every((f, i) => f === OPENSSH_DEFAULT_IDENTITY_FILES[i]);
}

function withoutNone(files: string[]): string[] {
  return files.length === 1 && files[0] === 'none' ? [] : files;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
