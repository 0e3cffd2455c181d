// Where credentials come from, in OpenSSH's order: the agent, then the identity files (asking for the
// passphrase of an encrypted one when its turn comes), then keyboard-interactive. ssh2 calls the handler
// only after the host key was accepted, so nothing is offered to an unverified host. No secret is logged.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AnyAuthMethod, AuthHandlerMiddleware, BaseAgent, IdentityCallback, KeyboardInteractiveCallback, ParsedKey, Prompt, SignCallback, SigningRequestOptions } from 'ssh2';
import type { Ssh2Module } from './ssh2-loader';
import type { SshHop } from './types';

export interface PassphraseRequest {
  /** The identity file. */
  path: string;
  /** 1 on the first ask, 2 after a wrong passphrase, … */
  attempt: number;
  hop: string;
}

export interface KeyboardInteractiveRequest {
  hop: string;
  name: string;
  instructions: string;
  prompts: { prompt: string; echo: boolean }[];
}

export interface AuthCallbacks {
  /** For an encrypted identity file. Resolve null to skip the key. */
  passphrase?: (request: PassphraseRequest) => Promise<string | null>;
  /** One answer per prompt; null gives up on keyboard-interactive. */
  keyboardInteractive?: (request: KeyboardInteractiveRequest) => Promise<string[] | null>;
}

/** The Windows OpenSSH agent's pipe. */
export const WINDOWS_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

function expandPath(p: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || env.USERPROFILE || homedir();
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => env[name] ?? '');
}

/**
 * Where desktop sessions put their agent when SSH_AUTH_SOCK does not reach the app (a GUI app started
 * from a launcher does not inherit it from a shell profile): systemd's ssh-agent.service, GNOME's gcr
 * and keyring agents, gpg-agent's SSH socket. Relative to XDG_RUNTIME_DIR, first existing socket wins.
 */
const USUAL_AGENT_SOCKETS = ['ssh-agent.socket', 'gcr/ssh', 'keyring/ssh', 'gnupg/S.gpg-agent.ssh'];

function isSocket(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isSocket() ?? false;
}

/** The agent socket for a hop: IdentityAgent, else SSH_AUTH_SOCK, else the OpenSSH pipe (Windows) or a usual desktop agent socket. */
export function agentPath(hop: SshHop, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (hop.identityAgent === null || hop.identityAgent === 'none') return undefined;
  if (hop.identityAgent !== undefined && hop.identityAgent !== 'SSH_AUTH_SOCK') return expandPath(hop.identityAgent, env) || undefined;
  if (env.SSH_AUTH_SOCK) return env.SSH_AUTH_SOCK;
  if (platform === 'win32') return WINDOWS_AGENT_PIPE;
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return runtimeDir ? USUAL_AGENT_SOCKETS.map((s) => join(runtimeDir, s)).find(isSocket) : undefined;
}

const ENCRYPTED = /encrypted .*no passphrase|bad passphrase|integrity check failed|decrypt/i;

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key in file')) : parsed;
}

/** The public halves of the identity files (from FILE.pub, or the file itself when not encrypted). */
function identityPublicKeys(ssh2: Ssh2Module, files: string[]): Set<string> {
  const keys = new Set<string>();
  for (const file of files) {
    for (const candidate of [`${file}.pub`, file]) {
      if (!existsSync(candidate)) continue;
      try {
        const key = firstKey(ssh2.utils.parseKey(readFileSync(candidate)));
        if (!(key instanceof Error)) {
          keys.add(key.getPublicSSH().toString('base64'));
          break;
        }
      } catch {
        // unreadable: this file offers no key
      }
    }
  }
  return keys;
}

/** With IdentitiesOnly, OpenSSH uses only the agent keys that match an identity file. */
function filteredAgent(ssh2: Ssh2Module, path: string, allowed: Set<string>): BaseAgent {
  const inner = ssh2.createAgent(path);
  const publicBlob = (k: unknown): string | null => {
    const parsed = typeof k === 'object' && k !== null && 'getPublicSSH' in k ? (k as ParsedKey) : firstKey(ssh2.utils.parseKey(k as Buffer));
    return parsed instanceof Error ? null : parsed.getPublicSSH().toString('base64');
  };
  class OnlyIdentityFiles extends ssh2.BaseAgent {
    getIdentities(cb: IdentityCallback): void {
      inner.getIdentities((err, keys) => {
        if (err || !keys) return cb(err, keys);
        cb(err, keys.filter((k) => allowed.has(publicBlob(k) ?? '')));
      });
    }
    sign(pubKey: string | Buffer | ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
      if (typeof options === 'function') inner.sign(pubKey, data, options);
      else inner.sign(pubKey, data, options, cb);
    }
  }
  return new OnlyIdentityFiles();
}

type Attempt = { needs: 'publickey' | 'keyboard-interactive'; method: () => Promise<AnyAuthMethod | null> };

export interface AuthHandlerOptions {
  ssh2: Ssh2Module;
  hop: SshHop;
  callbacks: AuthCallbacks;
  env?: NodeJS.ProcessEnv;
  /** Wraps a wait for the user, so the handshake timer does not run meanwhile. */
  whileAsking: <T>(ask: () => Promise<T>) => Promise<T>;
  /** An encrypted identity file could not be used (no passphrase callback, or none given that worked). */
  onEncryptedKeySkipped?: (path: string) => void;
}

/** The ssh2 authHandler for one hop. */
export function createAuthHandler(options: AuthHandlerOptions): AuthHandlerMiddleware {
  const { ssh2, hop, callbacks, whileAsking } = options;
  const env = options.env ?? process.env;
  const username = hop.user;
  const hopName = `${hop.user}@${hop.hostName}:${hop.port}`;
  const files = hop.identityFiles.map((f) => expandPath(f, env));
  const attempts: Attempt[] = [];

  const agent = agentPath(hop, env);
  if (agent) {
    attempts.push({
      needs: 'publickey',
      method: async () => ({ type: 'agent', username, agent: hop.identitiesOnly ? filteredAgent(ssh2, agent, identityPublicKeys(ssh2, files)) : agent }),
    });
  }
  for (const file of files) {
    attempts.push({
      needs: 'publickey',
      method: async () => {
        let data: Buffer;
        try {
          data = readFileSync(file);
        } catch {
          return null; // ssh -G lists the default identity files whether they exist or not
        }
        let key = firstKey(ssh2.utils.parseKey(data));
        for (let attempt = 1; key instanceof Error && ENCRYPTED.test(key.message) && callbacks.passphrase && attempt <= 3; attempt++) {
          const ask = callbacks.passphrase;
          const passphrase = await whileAsking(() => ask({ path: file, attempt, hop: hopName }));
          if (passphrase === null) break;
          key = firstKey(ssh2.utils.parseKey(data, passphrase));
        }
        if (key instanceof Error && ENCRYPTED.test(key.message)) options.onEncryptedKeySkipped?.(file);
        return key instanceof Error ? null : { type: 'publickey', username, key };
      },
    });
  }
  const kbd = callbacks.keyboardInteractive;
  if (kbd) {
    attempts.push({
      needs: 'keyboard-interactive',
      method: async () => ({
        type: 'keyboard-interactive',
        username,
        prompt: (name: string, instructions: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => {
          const request = { hop: hopName, name, instructions, prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })) };
          whileAsking(() => kbd(request)).then((answers) => finish(answers ?? []), () => finish([]));
        },
      }),
    });
  }

  let index = 0;
  return (methodsLeft, _partialSuccess, next) => {
    void (async () => {
      while (index < attempts.length) {
        const attempt = attempts[index++] as Attempt;
        // On the first call methodsLeft is null: the server has not said what it accepts yet.
        if (methodsLeft && !methodsLeft.includes(attempt.needs)) continue;
        const method = await attempt.method().catch(() => null);
        if (method) return next(method);
      }
      next(false as unknown as AnyAuthMethod);
    })();
  };
}
