// UI budgets (issue 6): the renderer's initial JavaScript gzipped (≤ 250 KB), and from navigation to an
// interactive chat (status Connected, the Message box enabled) in headless Debian Chromium against the
// gateway's Control UI on loopback (≤ 300 ms). Absolute budgets: there is no reference to run here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromiumMissing, launchChromium } from '../../test/support/browser';
import { REPO, type GroupContext } from '../lib/context';
import { gatewayDirs, startBenchGateway } from '../lib/gateway-process';
import { median, row, type Row } from '../lib/stats';

const TOKEN = 'bench-ui-token-0123456789';
const LOADS = 7;

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
    return rows;
  } finally {
    await browser.close();
    await gw.proc.stop();
  }
}
