// A Node client of the twin's API WebSocket for tests: calls by name, collects pushed events.

import WebSocket from 'ws';
import type { DesktopCallName, DesktopCallResults, DesktopState } from '../../src/shared/desktop-api';
import type { ErrorInfo } from '../../src/shared/errors';

export class TwinClient {
  private nextId = 1;
  private readonly pending = new Map<string, { resolve(v: unknown): void; reject(e: unknown): void }>();
  readonly events: { event: string; payload: unknown }[] = [];
  private stateListeners = new Set<(s: DesktopState) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: string; ok?: boolean; result?: unknown; error?: ErrorInfo; event?: string; payload?: unknown };
      if (msg.event) {
        this.events.push({ event: msg.event, payload: msg.payload });
        if (msg.event === 'state') for (const l of this.stateListeners) l(msg.payload as DesktopState);
        return;
      }
      const p = this.pending.get(String(msg.id));
      if (!p) return;
      this.pending.delete(String(msg.id));
      if (msg.ok) p.resolve(msg.result);
      else p.reject(Object.assign(new Error(msg.error?.message), { info: msg.error }));
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TwinClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new TwinClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  call<K extends DesktopCallName>(call: K, input?: unknown): Promise<DesktopCallResults[K]> {
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify(input === undefined ? { id, call } : { id, call, input }));
    });
  }

  /** Resolves with the first state (asked now or pushed later) that matches. */
  async waitForState(predicate: (s: DesktopState) => boolean, what: string, timeoutMs = 20_000): Promise<DesktopState> {
    let latest: DesktopState | undefined;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stateListeners.delete(listener);
        reject(new Error(`timed out waiting for ${what}; last: ${latest?.mode}/${latest?.phase} "${latest?.statusText}"`));
      }, timeoutMs);
      const listener = (s: DesktopState): void => {
        latest = s;
        if (!predicate(s)) return;
        clearTimeout(timer);
        this.stateListeners.delete(listener);
        resolve(s);
      };
      this.stateListeners.add(listener);
      void this.call('getState').then(listener, () => undefined);
    });
  }

  close(): void {
    this.ws.close();
  }
}

export function apiUrl(pageUrl: string, token?: string | null): string {
  const u = new URL(pageUrl);
  const t = token === undefined ? u.searchParams.get('token') : token;
  return `ws://${u.host}/api${t === null ? '' : `?token=${encodeURIComponent(t ?? '')}`}`;
}
