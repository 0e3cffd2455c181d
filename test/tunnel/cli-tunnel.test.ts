// `clawdbot tunnel` as a process (run `node scripts/build.mjs` first) against the in-process SSH server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, spawnCli, waitForOutput } from '../support/gateway';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { scratchFile, startEchoServer, wsEcho, type EchoServer } from './helpers/engine';

let server: TestSshServer;
let echo: EchoServer;
let home: string;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete e.SSH_AUTH_SOCK;
  return e;
}

function tunnelArgs(extra: string[] = []): string[] {
  const knownHosts = scratchFile('known_hosts', `${server.knownHostsLine()}\n`);
  return ['tunnel', `tester@127.0.0.1:${server.port}`, '--identity', server.clientKeyPath, '--known-hosts', knownHosts, '--remote-port', String(echo.port), '--local-port', '0', ...extra];
}

beforeAll(async () => {
  server = await startSshServer();
  echo = await startEchoServer();
  home = mkdtempSync(join(tmpdir(), 'cbt-cli-home-'));
});
afterAll(async () => {
  await server.stop();
  await echo.close();
  rmSync(home, { recursive: true, force: true });
});

describe('clawdbot tunnel', () => {
  it('prints the URL when ready, forwards, and stops cleanly on SIGINT', async () => {
    const proc = spawnCli(tunnelArgs(), env());
    try {
      await waitForOutput(proc, new RegExp(`Tunnel to tester@127\\.0\\.0\\.1:${server.port} \\(key .*\\), remote port ${echo.port}`), 15_000);
      const [, url] = await waitForOutput(proc, /Tunnel ready: (ws:\/\/127\.0\.0\.1:\d+)/, 15_000);
      expect(await wsEcho(url as string, 'cli')).toBe('cli');
      proc.child.kill('SIGINT');
      expect(await proc.exited).toBe(0);
      expect(proc.output()).toContain('Tunnel stopped.');
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('prints each state change on its own line', async () => {
    const proc = spawnCli(tunnelArgs(), env());
    try {
      await waitForOutput(proc, /Tunnel ready/, 15_000);
      server.dropSessions();
      await waitForOutput(proc, /Tunnel reconnecting \(attempt 1, next in [\d.]+ s\): SshReset: .+\n/, 10_000);
      await waitForOutput(proc, /Tunnel ready[^]*Tunnel ready/, 10_000);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('refuses an unknown host key under --strict-host-key-checking yes and exits 1 with the reason', async () => {
    const args = tunnelArgs(['--strict-host-key-checking', 'yes']);
    args[args.indexOf('--known-hosts') + 1] = scratchFile('empty', '');
    const proc = spawnCli(args, env());
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('Tunnel failed');
    expect(proc.output()).toContain(server.hostKey.fingerprint);
  });

  it('exits 1 with PortInUse when the local port is taken', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const args = tunnelArgs();
      args[args.indexOf('--local-port') + 1] = String((busy.address() as net.AddressInfo).port);
      const proc = spawnCli(args, env());
      expect(await proc.exited).toBe(1);
      expect(proc.output()).toMatch(/already in use/);
    } finally {
      busy.close();
    }
  });

  // `script` (util-linux) gives the CLI a terminal, so it asks; skipped where there is none.
  it.skipIf(spawnSync('sh', ['-c', 'command -v script']).status !== 0)('asks on the terminal about an unknown host key and remembers it', async () => {
    const args = tunnelArgs(['--strict-host-key-checking', 'ask']);
    const knownHosts = scratchFile('known_hosts', '');
    args[args.indexOf('--known-hosts') + 1] = knownHosts;
    // `exec`: script runs the command through $SHELL -c; a non-interactive dash would itself die of the Ctrl-C.
    const command = `exec ${[process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const proc = { child, output: () => out, exited: exited.then((c) => c ?? -1) };
    try {
      await waitForOutput(proc, /key fingerprint is SHA256:[^\r\n]+\.\r?\nAre you sure you want to continue connecting \(yes\/no\)\?/, 15_000);
      expect(out).toContain(server.hostKey.fingerprint);
      child.stdin.write('yes\r');
      await waitForOutput(proc, /Tunnel ready: ws:/, 15_000);
      expect(readFileSync(knownHosts, 'utf8')).toContain(server.hostKey.publicKey.split(' ')[1]);
      child.stdin.write('\x03'); // Ctrl-C on the terminal
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('explains a missing TARGET', async () => {
    const proc = spawnCli(['tunnel'], env());
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('TARGET is required');
  });
});
