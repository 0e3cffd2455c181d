// A minimal gateway protocol client for load: the handshake, then requests matched by id, with as
// little client-side work as possible so the gateway is what gets measured.

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { connectParams } from '../../test/support/ws-client';

type Response = { ok?: boolean; payload?: unknown; error?: unknown };

export class RawGatewayClient {
  private pending = new Map<string, { resolve: (frame: Response) => void; reject: (err: Error) => void }>();
  private seq = 0;
  private readonly prefix = randomUUID().slice(0, 8);
  /** The hello-ok payload. */
  hello: { features?: { methods?: string[] } } = {};
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let frame: Response & { type?: string; id?: string };
      try {
        frame = JSON.parse(data.toString()) as typeof frame;
      } catch {
        return;
      }
      if (frame.type !== 'res' || frame.id === undefined) return;
      const done = this.pending.get(frame.id);
      if (done) {
        this.pending.delete(frame.id);
        done.resolve(frame);
      }
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        for (const p of this.pending.values()) p.reject(new Error(`socket closed (${code})`));
        this.pending.clear();
        resolve(code);
      }),
    );
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Opens, answers the challenge with `connect` and resolves once hello-ok arrived. */
  static async connect(url: string, token: string, client: { id: string; mode: string } = { id: 'cli', mode: 'cli' }): Promise<RawGatewayClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const challenge = new Promise<void>((resolve, reject) => {
      ws.on('message', function first(data) {
        if (String(data).includes('connect.challenge')) {
          ws.off('message', first);
          resolve();
        }
      });
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed ${code} before the challenge`)));
    });
    await challenge;
    const c = new RawGatewayClient(ws);
    const res = await c.request('connect', connectParams({ token, client }));
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
    c.hello = res.payload as RawGatewayClient['hello'];
    return c;
  }

  /** Resolves with the response; rejects when the socket closes first. */
  request(method: string, params?: unknown): Promise<Response> {
    const id = `${this.prefix}-${++this.seq}`;
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new Error('socket not open'));
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params }));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
