// The gateway process's server: HTTP (Control UI) and WebSocket on one port, on 127.0.0.1 and, best
// effort, ::1; the global tick and health timers; the config file's hot reload; and an orderly
// shutdown (chat work finished or aborted, `shutdown` broadcast, every socket closed with 1012).

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { gatewayConfig } from '../config/effective';
import { authStartupProblem, type ServerAuth } from '../config/gateway-settings';
import { MAX_PAYLOAD_BYTES } from '../shared/protocol/frames';
import { AuthRateLimiter } from './auth/rate-limiter';
import { createChatServices } from './chat/index';
import { Connection } from './connection';
import { watchConfigFile } from './config-reload';
import { ConfigStore } from './config-store';
import type { GatewayContext } from './context';
import { DeviceStore } from './devices/store';
import { EventHub } from './events/hub';
import { createControlUiHandler } from './http/control-ui';
import type { GatewayLogger } from './log/logger';
import { advertisedMethods, buildMethodTable } from './methods/index';
import type { Caller } from './methods/types';
import { isGatewayListening } from './net/gateway-probe';
import { isOriginAllowed } from './net/origin';
import { resolvePeer } from './net/peer';
import { NodeRegistry } from './nodes/registry';
import { HealthMonitor } from './state/health';
import { PresenceTracker } from './state/presence';
import type { GatewayTimers } from './timers';

const AUTH_MAX_FAILURES = 10;
/** How long shutdown waits for the chat services to finish in-flight runs. */
const CHAT_CLOSE_TIMEOUT_MS = 5_000;
/** How long shutdown waits for the answers of requests in flight. */
const REQUESTS_DRAIN_TIMEOUT_MS = 2_000;
/** How long shutdown waits for clients to complete the close handshake. */
const SOCKET_CLOSE_TIMEOUT_MS = 1_000;

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    /** A gateway answered on the port (the reference's text, which clients parse); else some other program holds it. */
    readonly heldByGateway: boolean,
  ) {
    super(heldByGateway ? `another gateway instance is already listening on ws://127.0.0.1:${port}` : `port ${port} is already in use by another program`);
    this.name = 'PortInUseError';
  }
}

export interface GatewayServerOptions {
  host: string;
  port: number;
  stateDir: string;
  configPath: string;
  config: Record<string, unknown>;
  auth: ServerAuth;
  /** Re-resolves auth from a newly written config (flags and env still win). */
  resolveAuth: (config: Record<string, unknown>) => ServerAuth;
  timers: GatewayTimers;
  log: GatewayLogger;
  /** The built Control UI folder. */
  uiRoot: string;
}

export interface RunningGatewayServer {
  port: number;
  /** Every address we listen on, e.g. ["127.0.0.1", "::1"]. */
  hosts: string[];
  ctx: GatewayContext;
  close(reason?: string): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

/** Resolves when `done()` is true (checked every few ms) or after `timeoutMs`. */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  await new Promise((r) => setImmediate(r));
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startGatewayServer(opts: GatewayServerOptions): Promise<RunningGatewayServer> {
  const { log, timers } = opts;
  const hub = new EventHub();
  const config = new ConfigStore(opts.configPath, opts.config, (next, needsRestart) => {
    applyAuth(next);
    if (needsRestart.length > 0) log.warn(`restart the gateway to apply ${needsRestart.join(', ')}; the running gateway keeps its current values`);
  });
  const connections = new Set<Connection>();
  const clients = (): Caller[] => [...connections].filter((c) => c.isOpen && c.caller).map((c) => c.caller as Caller);
  const chat = createChatServices({
    stateDir: opts.stateDir,
    configPath: opts.configPath,
    getConfig: () => config.get(),
    log: log.child('chat'),
    broadcast: (event, payload, options) => hub.broadcast(event, payload, options),
    clients,
    timers: { idempotencyTtlMs: timers.idempotencyTtlMs, resultTtlMs: timers.runResultTtlMs, sweepIntervalMs: timers.chatSweepMs },
    transcriptCache: { maxLines: timers.transcriptCacheLines },
  });
  const ctx: GatewayContext = {
    startedAt: Date.now(),
    stateDir: opts.stateDir,
    configPath: opts.configPath,
    auth: opts.auth,
    timers,
    log,
    hub,
    config,
    health: new HealthMonitor({ hub, getConfig: () => config.get(), sessionsSummary: () => chat.sessionsSummary(), maxAgeMs: timers.healthMs }),
    presence: new PresenceTracker(timers.presenceTtlMs),
    nodes: new NodeRegistry(),
    devices: new DeviceStore(opts.stateDir, timers.pairingTtlMs, (file, movedTo) => log.error('device store was damaged; moved aside', { file, movedTo })),
    chat,
  };
  // A new config (written by config.set/patch, or edited on disk) that changes gateway.auth takes effect
  // for the next connect; one that leaves no usable secret is ignored (the running secret stays) rather
  // than locking everyone out.
  function applyAuth(next: Record<string, unknown>): void {
    const auth = opts.resolveAuth(next);
    const problem = authStartupProblem(auth);
    if (problem) return log.warn(`the new config's auth is unusable (${problem}); keeping the current secret until restart`);
    log.addSecret(auth.token);
    log.addSecret(auth.password);
    ctx.auth = auth;
  }
  const methods = buildMethodTable(chat);
  const methodNames = advertisedMethods(methods);
  const limiter = new AuthRateLimiter(AUTH_MAX_FAILURES, timers.authWindowMs, timers.authLockoutMs);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false });
  let stopping = false;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (stopping) return refuseUpgrade(socket, '503 Service Unavailable');
    if (!isOriginAllowed(req.headers.origin, req.headers.host)) {
      log.warn('refused WebSocket upgrade from a browser origin', { origin: req.headers.origin });
      return refuseUpgrade(socket, '403 Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = resolvePeer(req, gatewayConfig(config.get()).trustedProxies);
      if (peer.untrustedProxyHeaders) log.warn('proxy headers from an untrusted address; treating the client as remote', { ip: peer.socketIp });
      const conn = new Connection(ws, req, peer, {
        ctx,
        limiter,
        methods,
        methodNames,
        onOpen: (c) => hub.sinks.add(c),
        onClose: (c) => {
          hub.sinks.delete(c);
          connections.delete(c);
        },
      }, socket);
      connections.add(conn);
    });
  };

  const gw = gatewayConfig(opts.config);
  const handler = createControlUiHandler({ root: opts.uiRoot, enabled: gw.controlUi.enabled, basePath: gw.controlUi.basePath });
  const makeServer = (): Server => {
    const server = createServer(handler);
    server.on('upgrade', onUpgrade);
    server.on('clientError', (_err, socket) => socket.destroy());
    return server;
  };

  const servers: Server[] = [];
  const primary = makeServer();
  let listenPort: number;
  try {
    listenPort = await listen(primary, opts.host, opts.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(opts.port, await isGatewayListening(opts.host, opts.port));
    throw err;
  }
  servers.push(primary);
  const hosts = [opts.host];
  if (opts.host === '127.0.0.1') {
    const v6 = makeServer();
    try {
      await listen(v6, '::1', listenPort);
      servers.push(v6);
      hosts.push('::1');
    } catch (err) {
      log.debug('IPv6 loopback not available', { error: (err as Error).message });
    }
  }

  ctx.health.refresh();
  const tick = setInterval(() => hub.broadcast('tick', { ts: Date.now() }, { dropIfSlow: true }), timers.tickMs);
  const healthTimer = setInterval(() => ctx.health.refresh(), timers.healthMs);
  const stopWatchingConfig = watchConfigFile({ store: config, reload: gw.reload, pollMs: timers.configPollMs, log: log.child('config') });

  const close = async (reason = 'gateway stopping'): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(tick);
    clearInterval(healthTimer);
    stopWatchingConfig();
    for (const s of servers) s.close();
    log.info('shutting down', { reason, activeRuns: chat.activeRuns(), clients: connections.size });
    await Promise.race([chat.close(), new Promise((r) => setTimeout(r, CHAT_CLOSE_TIMEOUT_MS).unref())]).catch((err: unknown) =>
      log.error('chat services did not close cleanly', { error: err as Error }),
    );
    ctx.nodes.closeAll();
    await waitFor(() => [...connections].every((c) => c.pendingRequests === 0), REQUESTS_DRAIN_TIMEOUT_MS);
    hub.broadcast('shutdown', { reason, restartExpectedMs: null });
    const closing = [...connections].map(
      (c) =>
        new Promise<void>((resolve) => {
          const done = setTimeout(resolve, SOCKET_CLOSE_TIMEOUT_MS);
          done.unref();
          c.onceClosed(() => {
            clearTimeout(done);
            resolve();
          });
          c.close(1012, 'service restart');
        }),
    );
    await Promise.all(closing);
    for (const c of connections) c.terminate();
    for (const s of servers) s.closeAllConnections();
  };

  return { port: listenPort, hosts, ctx, close };
}
