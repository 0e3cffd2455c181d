// `clawdbot gateway run`: the gateway in the foreground. Resolves config, port and auth (generating a
// token on first start), takes the single-instance lock, listens, and stops cleanly on SIGTERM/SIGINT.

import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gatewayConfig } from '../../config/effective';
import { authStartupProblem, bindHost, isLoopbackHost, resolveGatewayPort, resolveServerAuth, type ServerAuth } from '../../config/gateway-settings';
import { updateConfigFile } from '../../config/file';
import { loadConfig } from '../../config/load';
import { applyProfile, resolveConfigPath, resolveStateDir } from '../../config/paths';
import { BIND_MODES, ConfigError, type BindMode } from '../../config/schema';
import { acquireGatewayLock, GatewayLockError, type HeldLock } from '../../gateway/lock';
import { createLogger } from '../../gateway/log/logger';
import { findPortOwner, type PortOwner } from '../../config/port-owner';
import { isTailnetIp } from '../../gateway/net/peer';
import { PortInUseError, startGatewayServer } from '../../gateway/server';
import { resolveTimers } from '../../gateway/timers';

const HELP = `Usage: clawdbot gateway run [options]

Runs the gateway in the foreground (ws://127.0.0.1:18789 by default).

Options
  --port N              port (0 = any free port); default: CLAWDBOT_GATEWAY_PORT, gateway.port, 18789
  --bind MODE           loopback | lan | tailnet | auto | custom (default: gateway.bind, loopback)
  --token T             shared token (overrides gateway.auth.token)
  --password P          shared password (overrides gateway.auth.password)
  --auth MODE           token | password
  --allow-unconfigured  start even when gateway.mode is "remote"
  --dev                 the dev profile (~/.clawdbot-dev, port 19001), as "clawdbot --dev gateway run"
  --verbose             debug lines on stderr
`;

interface RunFlags {
  port?: string;
  bind?: string;
  token?: string;
  password?: string;
  auth?: string;
  allowUnconfigured: boolean;
  dev: boolean;
  verbose: boolean;
  help: boolean;
}

const VALUE_FLAGS = new Set(['--port', '--bind', '--token', '--password', '--auth']);

export function parseRunFlags(args: string[]): RunFlags | string {
  const flags: RunFlags = { allowUnconfigured: false, dev: false, verbose: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) return `${name} needs a value`;
      flags[name.slice(2) as 'port' | 'bind' | 'token' | 'password' | 'auth'] = value;
    } else if (arg === '--allow-unconfigured') flags.allowUnconfigured = true;
    else if (arg === '--verbose') flags.verbose = true;
    else if (arg === '--dev') flags.dev = true;
    else if (arg === '--help' || arg === '-h') flags.help = true;
    else return `unknown option ${arg}`;
  }
  return flags;
}

function fail(lines: string[]): number {
  process.stderr.write(`${lines.join('\n')}\n`);
  return 1;
}

// The reference follows both startup refusals with "stop it with: clawdbot gateway stop", a command that
// does not exist; ours keep its first line (clients parse it) and give advice that works.

function lockedOutAdvice(err: GatewayLockError, configPath: string): string[] {
  return [
    `Gateway failed to start: ${err.message}`,
    `A gateway (pid ${err.ownerPid}) is already running with this config (${configPath}).`,
    `Fix: stop it (Ctrl-C in its terminal, or kill ${err.ownerPid}), or run a second gateway with its own config, state and port: clawdbot --profile NAME gateway run --port PORT`,
  ];
}

function portInUseAdvice(err: PortInUseError, owner: PortOwner | undefined): string[] {
  const ownerLine = owner ? [`- pid ${owner.pid}: ${owner.command || '(unknown command)'} (127.0.0.1:${err.port})`] : [];
  const otherPort = 'start this one on another port with --port N (or CLAWDBOT_GATEWAY_PORT=N)';
  if (!err.heldByGateway) return [`Gateway failed to start: ${err.message}`, ...ownerLine, `Fix: ${otherPort}, or stop that program.`];
  const stop = owner ? `Ctrl-C in its terminal, or kill ${owner.pid}` : 'Ctrl-C in its terminal';
  return [`Gateway failed to start: ${err.message}`, `Port ${err.port} is already in use.`, ...ownerLine, `Fix: stop that gateway (${stop}), or ${otherPort}.`];
}

/** This host's tailnet IPv4 (100.64.0.0/10), if Tailscale is up. */
function tailnetIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && isTailnetIp(a.address)) return a.address;
  }
  return undefined;
}

/** The built Control UI, next to the CLI bundle (dist/cli → dist/renderer). */
function uiRoot(): string {
  return process.env.CLAWDBOT_CONTROL_UI_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

export async function run(args: string[]): Promise<number> {
  const flags = parseRunFlags(args);
  if (typeof flags === 'string') return fail([`clawdbot gateway run: ${flags}`, '', HELP]);
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const env = process.env;
  if (flags.dev) {
    if (env.CLAWDBOT_PROFILE && env.CLAWDBOT_PROFILE !== 'dev') return fail(['--dev and --profile cannot be used together']);
    env.CLAWDBOT_GATEWAY_PORT ??= '19001';
    applyProfile('dev', env);
  }
  const stateDir = resolveStateDir(env);
  const configPath = resolveConfigPath(env);
  let config: Record<string, unknown>;
  try {
    config = loadConfig(configPath).config;
  } catch (err) {
    return fail([`Gateway failed to start: ${(err as Error).message}`]);
  }
  const gw = gatewayConfig(config);
  if (gw.mode === 'remote' && !flags.allowUnconfigured) {
    return fail([`Gateway start blocked: gateway.mode is "remote" in ${configPath}.`, 'Fix: set gateway.mode=local, or pass --allow-unconfigured.']);
  }
  if (flags.bind !== undefined && !(BIND_MODES as readonly string[]).includes(flags.bind)) {
    return fail([`Invalid --bind "${flags.bind}": use ${BIND_MODES.join(', ')}.`]);
  }
  const bindMode = (flags.bind as BindMode | undefined) ?? gw.bind;
  let port: number;
  let auth: ServerAuth;
  try {
    port = resolveGatewayPort(config, env, flags.port).port;
    auth = resolveServerAuth(config, env, { mode: flags.auth, token: flags.token, password: flags.password });
  } catch (err) {
    return fail([(err as Error).message]);
  }
  const host = bindHost(bindMode, gw.customBindHost, bindMode === 'tailnet' ? tailnetIPv4() : undefined);
  const hasSecret = !!(auth.token || auth.password);
  if (!isLoopbackHost(host) && !hasSecret) {
    return fail([`Gateway failed to start: refusing to bind gateway to ${host}:${port} without auth (set gateway.auth.token or CLAWDBOT_GATEWAY_TOKEN, or pass --token)`]);
  }
  if (gw.tailscale.mode === 'funnel' && auth.mode !== 'password') {
    return fail(['Gateway failed to start: tailscale funnel requires gateway auth mode=password (set gateway.auth.password or CLAWDBOT_GATEWAY_PASSWORD)']);
  }
  if (gw.tailscale.mode !== 'off' && !isLoopbackHost(host)) {
    return fail(['Gateway failed to start: tailscale serve/funnel requires gateway bind=loopback (127.0.0.1)']);
  }

  let generatedToken = false;
  let keptOriginal: string | undefined;
  if (auth.mode === 'token' && !auth.token && !auth.password) {
    // Secure by default: a first start without any secret makes one and keeps it in the config.
    const token = randomBytes(24).toString('base64url');
    try {
      config = updateConfigFile(configPath, (c) => {
        const g = (c.gateway ??= {}) as Record<string, unknown>;
        const a = (g.auth ??= {}) as Record<string, unknown>;
        a.mode ??= 'token';
        a.token = token;
      }, (backup) => (keptOriginal = backup));
    } catch (err) {
      return fail([`Gateway failed to start: could not save a generated token: ${(err as Error).message}`]);
    }
    auth = { ...auth, token };
    generatedToken = true;
  }
  const problem = authStartupProblem(auth);
  if (problem) return fail([`Gateway failed to start: ${problem}`]);

  const timers = resolveTimers(env.CLAWDBOT_TEST_TIMERS);
  const logging = (config.logging ?? {}) as { file?: string; maxFileBytes?: number };
  const log = createLogger({ file: env.CLAWDBOT_LOG_FILE || logging.file, maxFileBytes: logging.maxFileBytes, consoleLevel: flags.verbose ? 'debug' : 'info' });
  log.addSecret(auth.token);
  log.addSecret(auth.password);
  if (generatedToken) log.info(`no gateway token was configured: generated one and saved it to ${configPath} (gateway.auth.token)`);
  if (keptOriginal) log.info(`the config file had JSON5 comments or syntax, which the rewrite cannot keep: the file as it was is in ${keptOriginal}`);

  let lock: HeldLock | undefined;
  if (env.CLAWDBOT_ALLOW_MULTI_GATEWAY !== '1') {
    try {
      lock = await acquireGatewayLock(configPath, timers.lockWaitMs);
    } catch (err) {
      if (err instanceof GatewayLockError) {
        return fail(lockedOutAdvice(err, configPath));
      }
      throw err;
    }
  }
  const releaseLock = (): void => lock?.release();
  process.once('exit', releaseLock);

  let server;
  try {
    const overrides = { mode: flags.auth, token: flags.token, password: flags.password };
    const resolveAuth = (next: Record<string, unknown>): ServerAuth => resolveServerAuth(next, env, overrides);
    server = await startGatewayServer({ host, port, stateDir, configPath, config, auth, resolveAuth, timers, log, uiRoot: uiRoot() });
  } catch (err) {
    releaseLock();
    if (err instanceof PortInUseError) return fail(portInUseAdvice(err, findPortOwner(err.port)));
    if (err instanceof ConfigError) return fail([`Gateway failed to start: ${err.message}`]);
    throw err;
  }
  // Tools parse "listening on ws://127.0.0.1:<port>"; a wildcard bind is reachable there too.
  const urls = server.hosts.map((h) => (h === '0.0.0.0' ? `ws://127.0.0.1:${server.port} (bound to 0.0.0.0)` : `ws://${h.includes(':') ? `[${h}]` : h}:${server.port}`));
  log.info(`listening on ${urls.join(', ')} (PID ${process.pid})`, { auth: auth.mode, bind: bindMode, stateDir, config: configPath });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn(`second ${signal}: exiting now`);
        process.exit(1);
      }
      stopping = true;
      log.info(`${signal} received`);
      void server.close().finally(() => {
        releaseLock();
        log.info('gateway stopped');
        log.close();
        resolve(0);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
