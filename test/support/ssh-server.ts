// An in-process SSH server (ssh2's Server) for tests that need neither root nor OpenSSH.
//
//   const server = await startSshServer();            // 127.0.0.1:<port 0>, fresh ed25519 host and client keys
//   startSshServer({ host: '::1' })                    // IPv6 loopback instead
//   startSshServer({ extraHostKeys: [generateKeyPair('h', undefined, 'ecdsa')] })   // a second host key type
//   server.clientKeyPath                               // the authorized client key, written to a temp file
//   server.hostKey.fingerprint                         // "SHA256:…", what `ssh-keygen -lf` prints
//   server.knownHostsLine()                            // "[127.0.0.1]:PORT ssh-ed25519 AAAA…"
//   server.setAuth('refuse')                           // every key refused from now on
//   server.blackhole(true)                             // stop reading: no keepalive replies, nothing (like a DROP)
//   server.dropSessions()                              // RST every open connection (sshd killed, link reset)
//   server.logins, server.authAttempts, server.execLog // what clients did
//   await server.stop()
//
// direct-tcpip (forwardOut / ssh -L) is served to loopback destinations only; a closed destination port
// is refused with "connect failed", as sshd does. `exec` runs nothing: it records the command and answers
// with `execReply` (default: exit 0, the command echoed).

import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface SshKeyPair {
  /** OpenSSH private key text. */
  privateKey: string;
  /** "ssh-ed25519 AAAA… comment" */
  publicKey: string;
  /** SHA256:… of the public key. */
  fingerprint: string;
}

export interface StartSshServerOptions {
  /** The address to listen on (default 127.0.0.1; '::1' for IPv6). */
  host?: string;
  /** The server's host key (default: a new ed25519 key). Pass the previous one to "restart" with the same key. */
  hostKey?: SshKeyPair;
  /** More host keys of other types, offered when the client prefers their type. */
  extraHostKeys?: SshKeyPair[];
  /** Public keys allowed to log in (default: the generated client key). */
  authorizedKeys?: string[];
  /** Offer keyboard-interactive with one prompt; this answer is accepted. */
  keyboardInteractivePassword?: string;
  execReply?: (command: string) => { stdout?: string; stderr?: string; code?: number };
}

export interface TestSshServer {
  host: string;
  port: number;
  hostKey: SshKeyPair;
  /** The generated client key (authorized unless authorizedKeys says otherwise). */
  clientKey: SshKeyPair;
  clientKeyPath: string;
  /** Commands received over exec, in order. */
  readonly execLog: string[];
  /** Users that logged in, in order. */
  readonly logins: string[];
  /** Authentication requests received (any method, accepted or not): credentials offered. */
  readonly authAttempts: number;
  /** Open TCP connections to the server. */
  readonly connectionCount: number;
  /** SSH_MSG_IGNORE packets received from clients. */
  readonly ignoresReceived: number;
  knownHostsLine(host?: string): string;
  setAuth(mode: 'ok' | 'refuse'): void;
  /** true: stop reading from every connection (current and new), as if the link were blackholed. */
  blackhole(on: boolean): void;
  /** Resets every open connection; the listener stays. */
  dropSessions(): void;
  stop(): Promise<void>;
}

export function fingerprintOf(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A new key pair (ed25519 unless asked for ecdsa P-256); with a passphrase the private key is encrypted (aes256-ctr, bcrypt). */
export function generateKeyPair(comment = 'test', passphrase?: string, type: 'ed25519' | 'ecdsa' = 'ed25519'): SshKeyPair {
  for (;;) {
    const encryption = passphrase ? { passphrase, cipher: 'aes256-ctr', rounds: 4 } : {};
    const pair = type === 'ecdsa'
      ? ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256, comment, ...encryption })
      : ssh2.utils.generateKeyPairSync('ed25519', { comment, ...encryption });
    // ssh2 1.17 writes a malformed key about once in 150 encrypted and once in 400 plain ones (seen as
    // "Malformed OpenSSH private key"); make another rather than flake.
    if (ssh2.utils.parseKey(pair.private, passphrase) instanceof Error) continue;
    return { privateKey: pair.private, publicKey: pair.public.trim(), fingerprint: fingerprintOf(pair.public) };
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startSshServer(options: StartSshServerOptions = {}): Promise<TestSshServer> {
  const hostKey = options.hostKey ?? generateKeyPair('test-host');
  const clientKey = generateKeyPair('test-client');
  const dir = mkdtempSync(join(tmpdir(), 'cbt-sshsrv-'));
  const clientKeyPath = join(dir, 'id_ed25519');
  writeFileSync(clientKeyPath, clientKey.privateKey, { mode: 0o600 });
  writeFileSync(`${clientKeyPath}.pub`, `${clientKey.publicKey}\n`);
  const allowed = (options.authorizedKeys ?? [clientKey.publicKey]).map((k) => ssh2.utils.parseKey(k)).filter((k): k is ssh2.ParsedKey => !(k instanceof Error));
  const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

  let authMode: 'ok' | 'refuse' = 'ok';
  let holed = false;
  const sockets = new Set<net.Socket>();
  const execLog: string[] = [];
  const logins: string[] = [];
  let authAttempts = 0;
  let ignoresReceived = 0;

  const hostKeys = [hostKey, ...(options.extraHostKeys ?? [])].map((k) => k.privateKey);
  // ssh2 reports each SSH_MSG_IGNORE it receives only through its debug output (with a prefix).
  const debug = (message: string): void => void (message.endsWith('Inbound: Received IGNORE') && ignoresReceived++);
  const server = new ssh2.Server({ hostKeys, debug }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      authAttempts++;
      if (authMode === 'ok' && ctx.method === 'publickey') {
        const key = allowed.find((k) => k.type === ctx.key.algo && same(k.getPublicSSH(), ctx.key.data));
        if (key && (!ctx.signature || key.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true)) {
          if (ctx.signature) logins.push(ctx.username);
          return ctx.accept();
        }
      }
      if (authMode === 'ok' && ctx.method === 'keyboard-interactive' && options.keyboardInteractivePassword !== undefined) {
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], 'login', (answers) => {
          if (answers[0] === options.keyboardInteractivePassword) {
            logins.push(ctx.username);
            ctx.accept();
          } else ctx.reject();
        });
      }
      ctx.reject(options.keyboardInteractivePassword !== undefined ? ['publickey', 'keyboard-interactive'] : ['publickey']);
    });
    client.on('ready', () => {
      client.on('tcpip', (accept, reject, info) => {
        if (!LOOPBACK.has(info.destIP)) return reject();
        const upstream = net.connect(info.destPort, info.destIP === 'localhost' ? '127.0.0.1' : info.destIP);
        upstream.once('error', () => reject());
        upstream.once('connect', () => {
          upstream.setNoDelay(true);
          const channel = accept();
          channel.on('error', () => upstream.destroy());
          upstream.on('error', () => channel.destroy());
          channel.pipe(upstream).pipe(channel);
          channel.on('close', () => upstream.destroy());
          upstream.on('close', () => channel.destroy());
        });
      });
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (acceptExec, _reject, info) => {
          execLog.push(info.command);
          const stream = acceptExec();
          const reply = options.execReply?.(info.command) ?? { stdout: `exec: ${info.command}\n` };
          if (reply.stdout) stream.write(reply.stdout);
          if (reply.stderr) stream.stderr.write(reply.stderr);
          stream.exit(reply.code ?? 0);
          stream.end();
        });
      });
    });
  });

  // Our own listener hands sockets to ssh2, so the test can blackhole or reset them.
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    if (holed) socket.pause();
    server.injectSocket(socket);
    if (holed) setImmediate(() => socket.pause());
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => listener.listen(0, host, resolve));
  const port = (listener.address() as net.AddressInfo).port;

  return {
    host,
    port,
    hostKey,
    clientKey,
    clientKeyPath,
    execLog,
    logins,
    get connectionCount() {
      return sockets.size;
    },
    get authAttempts() {
      return authAttempts;
    },
    get ignoresReceived() {
      return ignoresReceived;
    },
    knownHostsLine: (name = `[${host}]:${port}`) => `${name} ${hostKey.publicKey.split(/\s+/).slice(0, 2).join(' ')}`,
    setAuth: (mode) => {
      authMode = mode;
    },
    blackhole: (on) => {
      holed = on;
      for (const s of sockets) {
        if (on) s.pause();
        else s.resume();
      }
    },
    dropSessions: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
