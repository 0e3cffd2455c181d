// `clawdbot tunnel TARGET`: forwards the remote gateway over SSH in the foreground, printing
// "Tunnel ready: ws://127.0.0.1:PORT" and one line per state change, until Ctrl-C.

import nodeModule from 'node:module';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadClientConfig, resolveClientTarget } from '../../config/client-target';
import type { AuthCallbacks } from '../../tunnel/auth-sources';
import { describeTarget, resolveTarget } from '../../tunnel/ssh-config';
import { loadSsh2 } from '../../tunnel/ssh2-loader';
import { Tunnel } from '../../tunnel/supervisor';
import { trace } from '../../tunnel/trace';
import { describeState, type TunnelState } from '../../tunnel/tunnel-state';
import type { HostKeyPromptFn, StrictHostKeyChecking } from '../../tunnel/types';
import { stringFlag, UsageError } from '../args';
import { runCommand } from '../command';

const USAGE = `Usage: clawdbot tunnel TARGET [options]

Forwards the gateway on TARGET's loopback to ws://127.0.0.1:PORT over SSH, until Ctrl-C.
TARGET is user@host[:port] or an alias from ~/.ssh/config (ProxyJump, IdentityFile… apply).
With a gateway token or password (the flags, or gateway.remote.token/password in the config), each
time SSH comes up a gateway health call through the tunnel confirms the gateway answers.

Options
  --local-port N                 local port (default: the remote port; 0 for any free port)
  --remote-port N                the gateway port on the remote host (default: the port of
                                 gateway.remote.url, else 18789)
  --identity FILE                try this private key first (like ssh -i)
  --known-hosts FILE             use this known_hosts file instead of ~/.ssh/known_hosts
  --strict-host-key-checking P   ask | accept-new | yes (default: from ssh config, usually ask)
  --token TOKEN, --password PASS the remote gateway's credentials, for the health call
  -h, --help                     show this help
`;

const POLICIES: StrictHostKeyChecking[] = ['ask', 'accept-new', 'yes'];

function port(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 65535) throw new UsageError(`option '${flag}' needs a port number (${min}-65535), not "${value}"`);
  return n;
}

function portOfUrl(url: string | undefined): number | undefined {
  try {
    const p = url ? Number(new URL(url).port) : NaN;
    return Number.isInteger(p) && p > 0 ? p : undefined;
  } catch {
    return undefined;
  }
}

/** A gateway `health` call through the tunnel (the client is loaded only when there are credentials). */
function healthProbe(credentials: { token?: string; password?: string }): (url: string) => Promise<void> {
  return async (url) => {
    const { createNodeGatewayClient } = await import('../../client/node');
    const client = createNodeGatewayClient({ url, ...credentials, connectTimeoutMs: 5000, requestTimeoutMs: 5000 });
    try {
      await client.connect();
      await client.request('health');
    } finally {
      await client.close();
    }
  };
}

/** One question on the terminal; input is not echoed for secrets. Resolves null when there is no terminal. */
function ask(question: string, hidden = false): Promise<string | null> {
  if (!process.stdin.isTTY) return Promise.resolve(null);
  process.stderr.write(question);
  // readline echoes what is typed to its output: for a secret, that output goes nowhere.
  const output = hidden ? new Writable({ write: (_chunk, _enc, done) => done() }) : process.stderr;
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    // Ctrl-C at a prompt stops the tunnel like anywhere else (readline would only pause).
    rl.once('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      resolve(null);
      process.kill(process.pid, 'SIGINT');
    });
    rl.question('', (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

const hostKeyPrompt: HostKeyPromptFn = async (p) => {
  const name = p.port === 22 ? p.host : `[${p.host}]:${p.port}`;
  if (p.kind === 'changed') {
    process.stderr.write(
      `WARNING: the host key for ${name} has changed!\n  now:   ${p.keyType} ${p.fingerprint}\n  known: ${(p.previousFingerprints ?? []).join(', ')}\n` +
        'Someone could be intercepting the connection, or the host was reinstalled. The connection is refused.\n',
    );
    return false;
  }
  process.stderr.write(`The authenticity of host '${name}' can't be established.\n${p.keyType} key fingerprint is ${p.fingerprint}.\n`);
  for (;;) {
    const answer = await ask('Are you sure you want to continue connecting (yes/no)? ');
    if (answer === null) {
      if (!process.stdin.isTTY) process.stderr.write('No terminal to ask on: the host key is not accepted (use --strict-host-key-checking accept-new to trust it on first use).\n');
      return false;
    }
    if (/^yes$/i.test(answer.trim())) return true;
    if (/^no$/i.test(answer.trim())) return false;
    process.stderr.write("Please type 'yes' or 'no'.\n");
  }
};

const authPrompts: AuthCallbacks = {
  passphrase: ({ path, attempt }) => ask(`${attempt > 1 ? 'Wrong passphrase. ' : ''}Enter passphrase for key '${path}': `, true),
  keyboardInteractive: async ({ name, instructions, prompts }) => {
    if (name || instructions) process.stderr.write(`${[name, instructions].filter(Boolean).join('\n')}\n`);
    const answers: string[] = [];
    for (const p of prompts) {
      const a = await ask(p.prompt, !p.echo);
      if (a === null) return null;
      answers.push(a);
    }
    return answers;
  },
};

const FLAGS = {
  'local-port': { type: 'string', valueName: 'port' },
  'remote-port': { type: 'string', valueName: 'port' },
  identity: { type: 'string', valueName: 'file' },
  'known-hosts': { type: 'string', valueName: 'file' },
  'strict-host-key-checking': { type: 'string', valueName: 'policy' },
  token: { type: 'string', valueName: 'token' },
  password: { type: 'string', valueName: 'password' },
} as const;

export async function run(args: string[]): Promise<number> {
  return runCommand(args, { name: 'tunnel', help: USAGE, flags: FLAGS, failurePrefix: 'Tunnel: ' }, async ({ parsed }) => {
    trace('tunnel command');
    // Node >= 22.1 keeps compiled code across runs (ssh2 is most of what this command compiles); no-op on 20.
    (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
    const [targetText, extra] = parsed.positionals;
    if (!targetText) throw new UsageError('TARGET is required (user@host[:port] or an alias from ~/.ssh/config)');
    if (extra !== undefined) throw new UsageError(`only one TARGET, not also "${extra}"`);
    const policy = stringFlag(parsed, 'strict-host-key-checking');
    if (policy !== undefined && !POLICIES.includes(policy as StrictHostKeyChecking)) throw new UsageError(`option '--strict-host-key-checking' is one of ${POLICIES.join(', ')}`);
    const config = resolveClientTarget({}, loadClientConfig(), process.env, { fallbackToLocal: true }).remote;
    trace('client config loaded');
    const token = stringFlag(parsed, 'token') ?? config.token;
    const password = stringFlag(parsed, 'password') ?? config.password;
    const remotePort = port(stringFlag(parsed, 'remote-port'), '--remote-port') ?? portOfUrl(config.url) ?? 18789;
    const localPort = port(stringFlag(parsed, 'local-port'), '--local-port', 0); // 0: any free port
    const identity = stringFlag(parsed, 'identity');
    const knownHosts = stringFlag(parsed, 'known-hosts');
    // ssh2 loads while the target resolves (`ssh -G` runs in its own process): its loader yields
    // between parts, so the TCP connect still starts as soon as the host and port are known.
    loadSsh2().catch(() => undefined); // a failure is reported by the connection attempt
    const target = await resolveTarget(targetText, {
      overrides: {
        ...(identity ? { identityFile: identity } : {}),
        ...(knownHosts ? { knownHostsFile: knownHosts } : {}),
        ...(policy ? { strictHostKeyChecking: policy as StrictHostKeyChecking } : {}),
      },
    });
    trace(`target resolved (${target.source})`);
    const tunnel = new Tunnel({
      target,
      remotePort,
      ...(localPort !== undefined ? { localPort } : {}),
      prompt: hostKeyPrompt,
      auth: authPrompts,
      ...(token || password ? { healthProbe: healthProbe({ ...(token ? { token } : {}), ...(password ? { password } : {}) }) } : {}),
    });
    process.stdout.write(`Tunnel to ${describeTarget(target)}, remote port ${remotePort}\n`);
    return runUntilStopped(tunnel);
  });
}

/** Prints state changes until Ctrl-C (exit 0) or a failure retrying cannot fix (exit 1). */
function runUntilStopped(tunnel: Tunnel): Promise<number> {
  return new Promise<number>((resolve) => {
    let lastReported = '';
    const onState = (s: TunnelState): void => {
      if (s.state === 'ready') {
        trace('ready');
        process.stdout.write(`Tunnel ready: ${tunnel.url}\n`);
      } else if (s.state === 'reconnecting') {
        // During a long outage, one line when the reason changes and then at attempts 2, 4, 8, …
        const key = `${s.errorClass}:${s.reason}`;
        if (key !== lastReported || (s.attempt & (s.attempt - 1)) === 0) process.stdout.write(`Tunnel ${describeState(s)}\n`);
        lastReported = key;
        return;
      } else if (s.state === 'failed') {
        process.stderr.write(`Tunnel failed: ${s.reason}\nFix: ${s.hint}\n`);
        void finish(1);
      } else if (s.state !== 'stopped') {
        process.stdout.write(`Tunnel ${describeState(s)}\n`);
      }
      lastReported = '';
    };
    let finishing = false;
    const finish = async (code: number): Promise<void> => {
      if (finishing) return;
      finishing = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      tunnel.off('state', onState);
      await tunnel.stop();
      if (code === 0) process.stdout.write('Tunnel stopped.\n');
      resolve(code);
    };
    const onSignal = (): void => void finish(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    tunnel.on('state', onState);
    tunnel.start().catch(() => void finish(1)); // a failure to bind arrives as a failed state, printed above
  });
}
