// The DesktopApi in a browser, over the twin's WebSocket (`clawdbot ui`). The page's URL carries the
// twin's token (?token=…); this adapter sends it on the WebSocket URL of /api. Wire format:
// request `{id, call, input}` → `{id, ok:true, result}` | `{id, ok:false, error: ErrorInfo}`;
// events `{event, payload}`. It reconnects when the socket drops and then re-reads the state, so the
// UI's store is fresh again. Runs in the browser only (no Node built-ins).

import type { DesktopApi, DesktopCallInput, DesktopCallName, DesktopCallResults, DesktopEventName, DesktopEventPayloads } from './desktop-api';
import type { ErrorInfo } from './errors';

/** What a call rejects with: `info` is shown to the user. */
export class DesktopCallFailure extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'DesktopCallFailure';
    this.info = info;
  }
}

interface MinimalWebSocket {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
}

export interface WsDesktopApiOptions {
  /** Default: ws(s)://<location.host>/api. */
  url?: string;
  /** Default: the `token` query parameter of location. */
  token?: string;
  /** Default: the global WebSocket. */
  createSocket?: (url: string) => MinimalWebSocket;
  reconnectDelayMs?: number;
}

export interface WsDesktopApi extends DesktopApi {
  /** Called with true when the socket opens and false when it drops. */
  onConnection(listener: (up: boolean) => void): () => void;
  close(): void;
}

const OPEN = 1;

const disconnected: ErrorInfo = {
  errorClass: 'GatewayUnreachable',
  message: 'The connection to the Clawdbot app was lost.',
  hint: 'It reconnects by itself; if it does not, restart `clawdbot ui` and open its new URL.',
  retryable: true,
};

export function createWsDesktopApi(options: WsDesktopApiOptions = {}): WsDesktopApi {
  const loc = (globalThis as { location?: { protocol: string; host: string; search: string } }).location;
  const token = options.token ?? (loc ? new URLSearchParams(loc.search).get('token') ?? '' : '');
  const base = options.url ?? (loc ? `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api` : '');
  const url = `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  const create = options.createSocket ?? ((u: string) => new (globalThis as unknown as { WebSocket: new (u: string) => MinimalWebSocket }).WebSocket(u));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(up: boolean) => void>();
  const pending = new Map<string, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const outbox: string[] = [];
  let socket: MinimalWebSocket | null = null;
  let nextId = 1;
  let closed = false;
  let everOpened = false;

  function dispatch(event: string, payload: unknown): void {
    for (const l of listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (err) {
        console.error(`desktop api: a "${event}" listener threw`, err);
      }
    }
  }

  function open(): void {
    const ws = create(url);
    socket = ws;
    ws.onopen = () => {
      const reopened = everOpened;
      everOpened = true;
      for (const l of connectionListeners) l(true);
      for (const text of outbox.splice(0)) ws.send(text);
      if (reopened) void api.call('getState').then((s) => dispatch('state', s), () => undefined);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: { id?: string; ok?: boolean; result?: unknown; error?: ErrorInfo; event?: string; payload?: unknown };
      try {
        msg = JSON.parse(ev.data) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.event === 'string') return dispatch(msg.event, msg.payload);
      const p = msg.id !== undefined ? pending.get(String(msg.id)) : undefined;
      if (!p) return;
      pending.delete(String(msg.id));
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new DesktopCallFailure(msg.error ?? { ...disconnected, message: 'The call failed.' }));
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const l of connectionListeners) l(false);
      for (const p of pending.values()) p.reject(new DesktopCallFailure(disconnected));
      pending.clear();
      if (!closed) setTimeout(() => !closed && open(), options.reconnectDelayMs ?? 1000);
    };
  }

  const api: WsDesktopApi = {
    call<K extends DesktopCallName>(name: K, input?: DesktopCallInput<K>): Promise<DesktopCallResults[K]> {
      const id = String(nextId++);
      const text = JSON.stringify(input === undefined ? { id, call: name } : { id, call: name, input });
      return new Promise<DesktopCallResults[K]>((resolve, reject) => {
        if (closed) return reject(new DesktopCallFailure(disconnected));
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (socket && socket.readyState === OPEN) socket.send(text);
        else outbox.push(text);
      });
    },
    on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEventPayloads[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
  open();
  return api;
}
