// The local end of a forward: 127.0.0.1 at the chosen port, and ::1 at the same port when the machine
// has IPv6 (best effort: "localhost" may resolve to either). It lives as long as the tunnel, not the SSH
// session, so the URL stays the same across reconnects.

import net from 'node:net';
import { ClawdbotError } from '../shared/errors';

export interface ForwardListenerOptions {
  /** 0 for an ephemeral port. */
  port: number;
  /** When the port is busy, take an ephemeral one instead of failing with PortInUse. */
  allowEphemeral?: boolean;
  onConnection: (socket: net.Socket) => void;
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError).once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export class ForwardListener {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private boundPort = 0;

  constructor(private readonly options: ForwardListenerOptions) {}

  /** The bound port (0 before listen()). */
  get port(): number {
    return this.boundPort;
  }

  /** Binds; rejects with ClawdbotError 'PortInUse' when the port is taken and no fallback is allowed. */
  async listen(): Promise<number> {
    const v4 = this.createServer();
    try {
      await listen(v4, this.options.port, '127.0.0.1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      if (!this.options.allowEphemeral || this.options.port === 0) {
        throw new ClawdbotError(
          'PortInUse',
          `Local port ${this.options.port} is already in use${code === 'EACCES' ? ' or reserved' : ''}.`,
          `Stop the program using 127.0.0.1:${this.options.port} (it may be a local gateway or another tunnel), or choose another port with --local-port.`,
          { cause: err, details: { port: this.options.port } },
        );
      }
      await listen(v4, 0, '127.0.0.1');
    }
    this.servers.push(v4);
    this.boundPort = (v4.address() as net.AddressInfo).port;
    const v6 = this.createServer();
    try {
      await listen(v6, this.boundPort, '::1');
      this.servers.push(v6);
    } catch {
      // no IPv6 loopback here, or ::1 at this port belongs to someone else: 127.0.0.1 is the URL we give out
    }
    return this.boundPort;
  }

  /** Stops listening and destroys the connections it accepted. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }

  private createServer(): net.Server {
    // pauseOnConnect: nothing is read until the SSH channel is there to take it.
    const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      this.options.onConnection(socket);
    });
    server.on('error', () => undefined); // errors after listen (EMFILE) only drop that connection
    return server;
  }
}
