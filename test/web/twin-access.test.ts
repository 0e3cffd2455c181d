// The twin refuses a missing or wrong token, a foreign Origin and a foreign Host; serves only the
// renderer's files; and answers the DesktopApi with every input parsed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../src/desktop/ports';
import { startTwinServer, type TwinServer } from '../../src/web/twin-server';
import { tempEnv, testCore, type TempEnv } from '../desktop/helpers';
import WebSocket from 'ws';
import { createWsDesktopApi, DesktopCallFailure } from '../../src/shared/desktop-api-ws-client';
import type { DesktopState } from '../../src/shared/desktop-api';
import { apiUrl, TwinClient } from './twin-client';
import { TWIN_MARKER_TAG } from '../../src/shared/twin-marker';

let t: TempEnv;
let core: DesktopCore;
let twin: TwinServer;
let rendererDir: string;

beforeAll(async () => {
  t = tempEnv();
  core = testCore(t);
  rendererDir = mkdtempSync(join(tmpdir(), 'cbt-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Clawdbot</title><script type="module" src="/app.js"></script>');
  writeFileSync(join(rendererDir, 'app.js'), 'console.log("app")');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(t.root, 'secret.txt'), 'outside');
  twin = await startTwinServer({ core, rendererDir });
});

afterAll(async () => {
  await twin?.close();
  await core?.shutdown();
  rmSync(rendererDir, { recursive: true, force: true });
  t?.cleanup();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: twin.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the browser twin', () => {
  it('has a tokenized loopback URL', () => {
    expect(twin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('refuses the API without the token, with a wrong token, and from a foreign Origin', async () => {
    await expect(TwinClient.open(apiUrl(twin.url, null))).rejects.toThrow(/HTTP 401/);
    await expect(TwinClient.open(apiUrl(twin.url, ''))).rejects.toThrow(/HTTP 401/);
    await expect(TwinClient.open(apiUrl(twin.url, `${twin.token.slice(0, -1)}x`))).rejects.toThrow(/HTTP 401/);
    await expect(TwinClient.open(apiUrl(twin.url), { Origin: 'http://evil.example' })).rejects.toThrow(/HTTP 403/);
    await expect(TwinClient.open(apiUrl(twin.url), { Origin: `http://127.0.0.1:${twin.port + 1}` })).rejects.toThrow(/HTTP 403/);
  });

  it('accepts its own origin with the token and answers calls', async () => {
    const client = await TwinClient.open(apiUrl(twin.url), { Origin: `http://127.0.0.1:${twin.port}` });
    try {
      const state = await client.call('getState');
      expect(state.statusText).toMatch(/^Not configured/);
      const settings = await client.call('saveSettings', { theme: 'dark', gatewayToken: 'very-secret-token' });
      expect(settings).toMatchObject({ theme: 'dark', hasGatewayToken: true });
      expect(JSON.stringify(settings)).not.toContain('very-secret-token');
    } finally {
      client.close();
    }
  });

  it('parses every input: bad input, unknown calls and secrets in the wrong place are refused', async () => {
    const client = await TwinClient.open(apiUrl(twin.url));
    try {
      await expect(client.call('setMode', { mode: 'sideways' })).rejects.toMatchObject({ info: { errorClass: 'Config' } });
      await expect(client.call('saveSettings', { remote: { target: 'a b' } })).rejects.toThrow(/without spaces/);
      await expect(client.call('getLogs' as 'getState', { limit: 'many' })).rejects.toThrow(/limit must be a number/);
      await expect(client.call('launchMissiles' as 'getState')).rejects.toThrow(/unknown call/);
      await expect(client.call('chatSend', { sessionKey: 'main', text: 'hi', clientMessageId: 'k1' })).rejects.toMatchObject({ info: { errorClass: 'Config' } });
    } finally {
      client.close();
    }
  });

  it('pushes state events to connected clients', async () => {
    const client = await TwinClient.open(apiUrl(twin.url));
    try {
      await client.call('setMode', { mode: 'unconfigured' });
      await client.waitForState((s) => s.transitions.length > 0, 'a transition');
      expect(client.events.some((e) => e.event === 'state')).toBe(true);
    } finally {
      client.close();
    }
  });

  it('the browser adapter implements the DesktopApi over the socket', async () => {
    const api = createWsDesktopApi({ url: `ws://127.0.0.1:${twin.port}/api`, token: twin.token, createSocket: (u) => new WebSocket(u) as never });
    try {
      const states: DesktopState[] = [];
      const off = api.on('state', (s) => states.push(s));
      expect((await api.call('getState')).version).toBeTypeOf('string');
      await api.call('setMode', { mode: 'unconfigured' });
      expect(states.length).toBeGreaterThan(0);
      off();
      const failure = await api.call('setMode', { mode: 'nope' as 'local' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DesktopCallFailure);
      expect((failure as DesktopCallFailure).info.errorClass).toBe('Config');
    } finally {
      api.close();
    }
  });

  it('serves the renderer with a strict CSP and no referrer, and nothing outside it', async () => {
    const index = await get('/?token=x');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Clawdbot</title>');
    expect(index.body).toContain(TWIN_MARKER_TAG); // the renderer knows it runs in the twin
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/app.js')).status).toBe(200);
    expect((await get('/assets')).status).toBe(404);
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(404);
    expect((await get('/', { Host: 'evil.example' })).status).toBe(421);
  });
});
