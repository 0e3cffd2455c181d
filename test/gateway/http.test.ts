// The Control UI over plain HTTP on the gateway's port: index.html for /, other pages redirected there, 404
// for missing assets, nothing outside the UI folder, strict security headers.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { TWIN_MARKER } from '../../src/shared/twin-marker';

function get(port: number, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // A raw path (no URL normalization by the client), so traversal attempts reach the server as sent.
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Control UI over HTTP', () => {
  let gw: RunningGateway;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'clawdbot-ui-'));
    const ui = join(root, 'renderer');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'secret.txt'), 'outside');
    symlinkSync(join(root, 'secret.txt'), join(ui, 'assets', 'link.txt'));
    gw = await startGateway({ env: { CLAWDBOT_CONTROL_UI_DIR: ui } });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends other page paths to the UI root with their query, where the relative asset URLs resolve', async () => {
    for (const path of ['/chat', '/settings/gateway/', '/x?token=abc']) {
      const res = await get(gw.port, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toBe(path.includes('?') ? '/?token=abc' : '/');
    }
  });

  it('serves index.html for /, with security headers', async () => {
    for (const path of ['/', '/?token=abc']) {
      const res = await get(gw.port, path);
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>ui</title>');
      expect(res.body).not.toContain(TWIN_MARKER.name); // a gateway's page is the Control UI
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${gw.port}`);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves assets with their type and 404s missing ones', async () => {
    const js = await get(gw.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(gw.port, '/assets/missing.js')).status).toBe(404);
  });

  it('answers a revalidation with 304 while the file is unchanged, and with the new file once it changed', async () => {
    const first = await get(gw.port, '/assets/app.js');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await get(gw.port, '/assets/app.js', 'GET', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['content-security-policy']).toContain("default-src 'self'");
    writeFileSync(join(root, 'renderer', 'assets', 'app.js'), 'console.log("a new build")');
    const changed = await get(gw.port, '/assets/app.js', 'GET', { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body).toBe('console.log("a new build")');
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('never serves anything outside the UI folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/link.txt', '/..%2fsecret.txt', '/%00.js']) {
      const res = await get(gw.port, path);
      expect(res.body, path).not.toContain('outside');
      expect([400, 404], path).toContain(res.status);
    }
  });

  it('lists no directories and refuses other methods', async () => {
    expect((await get(gw.port, '/assets/')).body).not.toContain('app.js');
    expect((await get(gw.port, '/', 'POST')).status).toBe(405);
  });
});

describe('Control UI not built', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { CLAWDBOT_CONTROL_UI_DIR: join(tmpdir(), 'clawdbot-no-such-ui-dir') } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('says so on /', async () => {
    const res = await get(gw.port, '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('Control UI is not built');
  });
});
