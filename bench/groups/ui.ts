// UI budgets (issue 6): the renderer's initial JavaScript gzipped (≤ 250 KB); from navigation to an
// interactive chat (status Connected, the Message box enabled) in headless Debian Chromium against the
// gateway's Control UI on loopback (≤ 300 ms); and a 2,000-message history scrolled frame by frame
// without dropped frames. Absolute budgets: there is no reference to run here.

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { gzipSync } from 'node:zlib';
import { installFakePreload } from '../../test/e2e/fake-preload';
import { chromiumMissing, launchChromium } from '../../test/support/browser';
import { REPO, type GroupContext } from '../lib/context';
import { gatewayDirs, startBenchGateway } from '../lib/gateway-process';
import { median, percentile, row, type Row } from '../lib/stats';

const TOKEN = 'bench-ui-token-0123456789';
const LOADS = 15;

export async function uiGroup(ctx: GroupContext): Promise<Row[]> {
  const G = 'ui';
  const html = readFileSync(join(REPO, 'dist', 'renderer', 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*src="\.?\/?([^"]+)"/g)].map((m) => m[1] as string);
  const jsBytes = scripts.reduce((sum, s) => sum + gzipSync(readFileSync(join(REPO, 'dist', 'renderer', s))).length, 0);
  const rows = [row(G, { metric: `initial JavaScript, gzipped (${scripts.join(', ')})`, ours: jsBytes / 1000, unit: 'KB', maxValue: 250 })];

  const missing = chromiumMissing();
  if (missing) throw new Error(`navigation not measured: ${missing}`);
  const gw = await startBenchGateway(gatewayDirs(join(ctx.scratch, 'gw'), TOKEN), TOKEN);
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    const loads: number[] = [];
    for (let i = 0; i <= LOADS; i++) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
      const t0 = performance.now();
      await page.goto(`http://127.0.0.1:${gw.port}/?token=${TOKEN}`);
      const loaded = performance.now() - t0;
      await page.waitForFunction(() => {
        const status = document.querySelector('[role="status"][aria-label="Gateway status"]');
        const box = [...document.querySelectorAll('textarea, input')].find((el) => el.getAttribute('aria-label') === 'Message' || (el as HTMLInputElement).labels?.[0]?.textContent === 'Message') as HTMLTextAreaElement | undefined;
        return /^Connected/.test(status?.textContent ?? '') && box !== undefined && !box.disabled;
      }, undefined, { timeout: 20_000, polling: 5 });
      if (i > 0) times.push(performance.now() - t0); // the first load warms the browser's caches
      if (i > 0) loads.push(loaded);
      await page.close();
    }
    ctx.log(`navigation → interactive chat: ${times.map((v) => v.toFixed(0)).join(' ')} ms (of which to the load event: ${loads.map((v) => v.toFixed(0)).join(' ')} ms)`);
    rows.push(row(G, { metric: 'navigation → interactive chat (Control UI, headless Chromium)', ours: median(times), unit: 'ms', maxValue: 300, note: `median of ${LOADS} loads after one warm-up, new page each; load event at ${median(loads).toFixed(0)} ms` }));
    rows.push(...(await historyScroll(browser)));
    return rows;
  } finally {
    await browser.close();
    await gw.proc.stop();
  }
}

const SCROLL_FRAMES = 400;
/** A frame is dropped when it took longer than one and a half 60 Hz frames. */
const DROPPED_FRAME_MS = 25;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** The built renderer with 2,000 messages (the preload answered from memory), scrolled up and down one step a frame. */
async function historyScroll(browser: Browser): Promise<Row[]> {
  const dir = join(REPO, 'dist', 'renderer');
  const server = createServer((req, res) => {
    const file = join(dir, normalize(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  try {
    await page.addInitScript(installFakePreload, { historySize: 2000 });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.getByRole('article', { name: 'Assistant message' }).last().waitFor();
    const frames = await page.getByRole('region', { name: 'Chat history' }).evaluate(
      (el, count) =>
        new Promise<number[]>((resolve) => {
          const deltas: number[] = [];
          let last = performance.now();
          const step = (now: number): void => {
            deltas.push(now - last);
            last = now;
            // Up for the first half, back down for the second: rows enter and leave the virtual window.
            el.scrollBy(0, deltas.length <= count / 2 ? -400 : 400);
            if (deltas.length < count) requestAnimationFrame(step);
            else resolve(deltas.slice(1));
          };
          requestAnimationFrame(step);
        }),
      SCROLL_FRAMES,
    );
    const dropped = frames.filter((ms) => ms > DROPPED_FRAME_MS).length;
    const note = `${frames.length} frames at 400 px each; median ${median(frames).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`;
    return [row('ui', { metric: `2,000-message history: frames over ${DROPPED_FRAME_MS} ms while scrolling`, ours: dropped, unit: 'frames', maxValue: 0, note })];
  } finally {
    await page.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
