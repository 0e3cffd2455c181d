// WebSocket measurements against an echo server: round trips, echo throughput, time to first echo.

import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { connectionOver } from '../../src/client/node';
import { percentile } from './stats';

/** A WebSocket URL, or one reached over streams a tunnel opens in this process (as the desktop does). */
export type Endpoint = string | { url: string; openStream: () => Promise<Duplex> };

export function openWs(endpoint: Endpoint, timeoutMs = 5000): Promise<WebSocket> {
  const url = typeof endpoint === 'string' ? endpoint : endpoint.url;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
      ...(typeof endpoint === 'string' ? {} : { createConnection: connectionOver(endpoint.openStream) }),
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no WebSocket open on ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function echoOnce(ws: WebSocket, payload: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    ws.once('message', () => resolve());
    ws.send(payload);
  });
}

export interface RttResult {
  p50: number;
  p99: number;
  samples: number[];
}

/** Sequential round trips of a small text message (after a warm-up). */
export async function roundTrips(endpoint: Endpoint, count: number, warmup = 200): Promise<RttResult> {
  const ws = await openWs(endpoint);
  const msg = 'x'.repeat(64);
  for (let i = 0; i < warmup; i++) await echoOnce(ws, msg);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await echoOnce(ws, msg);
    samples.push(performance.now() - t0);
  }
  ws.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples };
}

/** MiB/s of payload echoed back, with up to `windowBytes` in flight. */
export async function echoThroughput(endpoint: Endpoint, totalBytes: number, chunkBytes = 64 * 1024, windowBytes = 2 * 1024 * 1024): Promise<number> {
  const ws = await openWs(endpoint);
  const chunk = Buffer.alloc(chunkBytes, 7);
  const total = Math.ceil(totalBytes / chunkBytes);
  let sent = 0;
  let received = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (sent < total && (sent - received) * chunkBytes < windowBytes) {
        ws.send(chunk);
        sent++;
      }
    };
    ws.on('message', () => {
      received++;
      if (received === total) resolve();
      else pump();
    });
    pump();
  });
  const seconds = (performance.now() - t0) / 1000;
  ws.close();
  return (total * chunkBytes) / (1024 * 1024) / seconds;
}

/** Tries to open a WebSocket and get one echo, repeating until it works; resolves at the echo. */
export async function firstEcho(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const ws = await openWs(url, 2000);
      await echoOnce(ws, 'hello');
      ws.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}
