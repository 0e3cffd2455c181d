// Debian's OpenSSH sshd for tests, on loopback or as the "remote host" inside a network namespace.
//
//   const why = rootSuiteUnavailable();               // string when not root / no sshd / no netns; skip with it
//   const key = clientKey(dir)                        // ssh-keygen ed25519 pair: { path, publicKey }
//   const sshd = await startSshd({ dir, authorizedKeys: [key.publicKey] });   // 127.0.0.1:<free port>
//   const host = await remoteHostUp({ authorizedKeys: [key.publicKey] });     // namespace cbt-<pid>-<n><random>
//   host.ip, host.sshd.port (22), host.spawn('node', [...])                   // a process on ITS loopback
//   await host.linkDown(); await host.linkUp(); await host.firewall('drop' | 'reset' | 'none');
//   await host.restartSshd({ newHostKey: true });
//   const inner = await remoteHostUp({ authorizedKeys, via: host });          // reachable only from `host`
//   await inner.down(); await host.down();            // also done at process exit for anything left
//
// Every namespace, veth and process a test creates is removed here, processes by PID and namespaces
// by name; nothing outside them is touched. Traffic stays on loopback and inside these namespaces.

import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

/** Why the root tier cannot run here (null: it can). */
export function rootSuiteUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux network namespaces';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (network namespaces, sshd)';
  if (!existsSync(SSHD)) return `needs ${SSHD} (apt-get install openssh-server)`;
  for (const tool of ['ip', 'ssh-keygen', 'iptables']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool} (apt-get install iproute2 openssh-client iptables)`;
  }
  const probe = `cbt-probe-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

// ---- processes and commands -----------------------------------------------------------------

const livePids = new Set<number>();
const liveNamespaces = new Set<string>();
const liveLinks = new Set<string>();

process.once('exit', () => {
  for (const pid of livePids) killQuietly(pid, 'SIGKILL');
  for (const ns of liveNamespaces) {
    for (const pid of nsPids(ns)) killQuietly(pid, 'SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
  }
  for (const link of liveLinks) spawnSync('ip', ['link', 'del', link]);
});

function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function nsPids(ns: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

/** Runs a command to completion; throws with its stderr when it fails. */
export function run(cmd: string, args: string[], options: { allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(options.env ? { env: options.env } : {}) });
  const result = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (result.code !== 0 && !options.allowFail) throw new Error(`${cmd} ${args.join(' ')} → ${result.code}: ${result.stderr.trim()}`);
  return result;
}

export interface TrackedProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | string>;
  /** SIGTERM (then SIGKILL after 2 s), by PID; resolves when it exited. */
  stop(): Promise<void>;
}

/** Spawns a process whose PID is tracked and killed at exit at the latest. */
export function track(cmd: string, args: string[], options: SpawnOptions = {}): TrackedProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const pid = child.pid as number;
  livePids.add(pid);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      livePids.delete(pid);
      resolve(code ?? signal ?? -1);
    }),
  );
  return {
    child,
    pid,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killQuietly(pid);
      const timer = setTimeout(() => killQuietly(pid, 'SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls until check() is true. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---- keys -----------------------------------------------------------------------------------

export interface KeyFiles {
  /** The private key file (the public one is path + ".pub"). */
  path: string;
  /** "ssh-ed25519 AAAA… comment" */
  publicKey: string;
}

/** An ed25519 key pair made by ssh-keygen (optionally with a passphrase). */
export function clientKey(dir: string, name = 'id_ed25519', passphrase = ''): KeyFiles {
  const path = join(dir, name);
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path]);
  return { path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

// ---- sshd -----------------------------------------------------------------------------------

export interface StartSshdOptions {
  /** Scratch folder for keys, config and log. */
  dir: string;
  authorizedKeys: string[];
  /** Default 127.0.0.1. */
  listen?: string;
  /** Default: a free port on 127.0.0.1 (22 inside a namespace). */
  port?: number;
  /** Run inside this network namespace. */
  netns?: string;
}

export interface RunningSshd {
  host: string;
  port: number;
  pid: number;
  hostKeyPath: string;
  /** "ssh-ed25519 AAAA…" of the current host key. */
  hostPublicKey(): string;
  /** The known_hosts line for this server as the client names it. */
  knownHostsLine(): string;
  log(): string;
  /** Stops it by PID (existing sessions are its children and stay unless dropSessions). */
  stop(options?: { dropSessions?: boolean }): Promise<void>;
  /** Stops it (and its sessions) and starts it again, optionally with a new host key. */
  restart(options?: { newHostKey?: boolean }): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function sshdConfig(o: { dir: string; listen: string; port: number; hostKeyPath: string }): string {
  return [
    `ListenAddress ${o.listen}`,
    `Port ${o.port}`,
    `HostKey ${o.hostKeyPath}`,
    `PidFile ${join(o.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(o.dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'PermitOpen any',
    // Reap sessions whose client vanished behind a blackhole (else they stay for many minutes).
    'ClientAliveInterval 2',
    'ClientAliveCountMax 2',
    'MaxStartups 100',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/** Starts Debian's sshd and waits until it listens. */
export async function startSshd(options: StartSshdOptions): Promise<RunningSshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir
  const dir = options.dir;
  mkdirSync(dir, { recursive: true });
  const listen = options.listen ?? '127.0.0.1';
  const port = options.port ?? (options.netns ? 22 : await freePort());
  const hostKeyPath = join(dir, 'host_ed25519');
  const newHostKey = (): void => {
    rmSync(hostKeyPath, { force: true });
    rmSync(`${hostKeyPath}.pub`, { force: true });
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-host', '-f', hostKeyPath]);
  };
  newHostKey();
  writeFileSync(join(dir, 'authorized_keys'), `${options.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, sshdConfig({ dir, listen, port, hostKeyPath }));
  run(SSHD, ['-t', '-f', configPath]);

  let proc: TrackedProcess;
  let logs = '';
  const launch = async (): Promise<void> => {
    const args = ['-D', '-e', '-f', configPath];
    proc = options.netns ? track('ip', ['netns', 'exec', options.netns, SSHD, ...args]) : track(SSHD, args);
    // `ip netns exec` execs, so proc.pid is sshd itself.
    await until(() => /Server listening on/.test(proc.output()) || proc.child.exitCode !== null, 'sshd to listen');
    if (proc.child.exitCode !== null) throw new Error(`sshd exited: ${proc.output()}`);
  };
  const stop = async (o: { dropSessions?: boolean } = {}): Promise<void> => {
    const sessions = o.dropSessions ? descendants(proc.pid) : []; // before they are orphaned
    logs += proc.output();
    await proc.stop();
    for (const pid of sessions) killQuietly(pid, 'SIGKILL');
  };
  await launch();
  const hostPublicKey = (): string => readFileSync(`${hostKeyPath}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    host: listen,
    get port() {
      return port;
    },
    get pid() {
      return proc.pid;
    },
    hostKeyPath,
    hostPublicKey,
    knownHostsLine: () => `${port === 22 ? listen : `[${listen}]:${port}`} ${hostPublicKey()}`,
    log: () => logs + proc.output(),
    stop,
    restart: async (o = {}) => {
      await stop({ dropSessions: true });
      if (o.newHostKey) newHostKey();
      await launch();
    },
  };
}

/** The processes below pid (sshd's per-connection children and theirs): ours, since pid is ours. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

// ---- ssh-agent ------------------------------------------------------------------------------

export interface RunningAgent {
  socket: string;
  pid: number;
  stop(): Promise<void>;
}

/** ssh-agent in the foreground on a socket of its own, with the given keys added. */
export async function startSshAgent(dir: string, keyPaths: string[]): Promise<RunningAgent> {
  const socket = join(dir, `agent-${process.pid}.sock`);
  rmSync(socket, { force: true });
  const proc = track('ssh-agent', ['-D', '-a', socket]);
  await until(() => existsSync(socket), 'ssh-agent socket');
  for (const key of keyPaths) run('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  return { socket, pid: proc.pid, stop: proc.stop };
}

// ---- the remote host: a network namespace --------------------------------------------------

export interface RemoteHost {
  /** The namespace's name (cbt-<pid>-<n><random>). */
  name: string;
  /** The namespace's address, the one its sshd listens on. */
  ip: string;
  /** The address on the other end of its link (the host, or the `via` namespace). */
  peerIp: string;
  sshd: RunningSshd;
  dir: string;
  /** Starts a process inside the namespace (tracked, stopped by PID on down()). */
  spawn(cmd: string, args: string[], options?: SpawnOptions): TrackedProcess;
  /** Runs a command inside the namespace to completion. */
  exec(cmd: string, args: string[]): { code: number; stdout: string; stderr: string };
  /** Takes the link down on the peer side (silent loss: no RST, packets vanish) and up again. */
  linkDown(): void;
  linkUp(): void;
  /** Firewall on the namespace's sshd port: 'drop' (blackhole), 'reset' (TCP RST), 'none'. */
  firewall(mode: 'drop' | 'reset' | 'none'): void;
  restartSshd(options?: { newHostKey?: boolean }): Promise<void>;
  /** Stops its processes by PID, deletes the namespace and the link. */
  down(): Promise<void>;
}

export interface RemoteHostOptions {
  authorizedKeys: string[];
  /** Put the new namespace behind this one: reachable only from it (for ProxyJump). */
  via?: RemoteHost;
}

let namespaceCount = 0;

function pickSubnet(): string {
  const used = run('ip', ['-o', '-4', 'addr']).stdout + (existsSync('/var/run/netns') ? run('ip', ['netns', 'list']).stdout : '');
  for (let i = 0; i < 200; i++) {
    const a = 100 + Math.floor(Math.random() * 150);
    const b = Math.floor(Math.random() * 256);
    const prefix = `10.${a}.${b}.`;
    if (!used.includes(prefix)) return prefix;
  }
  throw new Error('no free 10.x.y.0/24 subnet');
}

export async function remoteHostUp(options: RemoteHostOptions): Promise<RemoteHost> {
  // Unique even when a worker process runs several test files: a counter plus a random token.
  const n = `${++namespaceCount}${Math.random().toString(36).slice(2, 5)}`;
  const name = `cbt-${process.pid}-${n}`;
  const tag = `${process.pid % 100000}${n}`.slice(-11); // interface names are at most 15 characters
  const peerLink = `cbh${tag}`;
  const nsLink = `cbn${tag}`;
  const prefix = pickSubnet();
  const ip = `${prefix}2`;
  const peerIp = `${prefix}1`;
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const peerNs = options.via?.name;
  const inPeer = (args: string[]): string[] => (peerNs ? ['netns', 'exec', peerNs, 'ip', ...args] : args);

  run('ip', ['netns', 'add', name]);
  liveNamespaces.add(name);
  const processes: TrackedProcess[] = [];
  let sshd: RunningSshd | undefined;
  const down = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.stop()));
    await sshd?.stop({ dropSessions: true });
    for (const pid of nsPids(name)) killQuietly(pid, 'SIGKILL'); // only processes inside our namespace
    run('ip', ['netns', 'del', name], { allowFail: true });
    liveNamespaces.delete(name);
    if (!peerNs) {
      run('ip', ['link', 'del', peerLink], { allowFail: true });
      liveLinks.delete(peerLink);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('ip', ['link', 'add', peerLink, 'type', 'veth', 'peer', 'name', nsLink]);
    if (!peerNs) liveLinks.add(peerLink);
    if (peerNs) run('ip', ['link', 'set', peerLink, 'netns', peerNs]);
    run('ip', ['link', 'set', nsLink, 'netns', name]);
    run('ip', inPeer(['addr', 'add', `${peerIp}/24`, 'dev', peerLink]));
    run('ip', inPeer(['link', 'set', peerLink, 'up']));
    run('ip', ['netns', 'exec', name, 'ip', 'addr', 'add', `${ip}/24`, 'dev', nsLink]);
    run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', nsLink, 'up']);
    run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    sshd = await startSshd({ dir: join(dir, 'sshd'), authorizedKeys: options.authorizedKeys, listen: ip, port: 22, netns: name });
  } catch (err) {
    await down();
    throw err;
  }
  const running = sshd;
  const ipt = (args: string[]): void => void run('ip', ['netns', 'exec', name, 'iptables', ...args], { allowFail: true });
  return {
    name,
    ip,
    peerIp,
    sshd: running,
    dir,
    spawn: (cmd, args, spawnOptions) => {
      const p = track('ip', ['netns', 'exec', name, cmd, ...args], spawnOptions);
      processes.push(p);
      return p;
    },
    exec: (cmd, args) => run('ip', ['netns', 'exec', name, cmd, ...args], { allowFail: true }),
    linkDown: () => void run('ip', inPeer(['link', 'set', peerLink, 'down'])),
    linkUp: () => void run('ip', inPeer(['link', 'set', peerLink, 'up'])),
    firewall: (mode) => {
      ipt(['-F', 'INPUT']);
      if (mode === 'drop') ipt(['-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'DROP']);
      if (mode === 'reset') ipt(['-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    },
    restartSshd: (o) => running.restart(o),
    down,
  };
}
