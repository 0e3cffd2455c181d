// Draws the tray icons (one per state, 16 px and @2x, colour and macOS Template variants) and the
// 512 px app icon (electron-builder derives .icns/.ico from it) as PNGs, in plain Node: shapes are
// signed-distance tests, anti-aliased by 4×4 supersampling, written with zlib. The output is
// deterministic, and the PNGs are committed: run `node scripts/make-icons.mjs` after changing a shape.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA pixels (size × size × 4) → PNG bytes. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Renders `paint(x, y)` → [r, g, b, a] (0..1, in a 16-unit design space) at `size` px. Each pixel
 * averages 16 samples; colour is weighted by coverage so edges stay clean.
 */
function render(size, paint) {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  const unit = 16 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = paint((px + (sx + 0.5) / n) * unit, (py + (sy + 0.5) / n) * unit);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = a / (n * n);
      out[i] = a ? Math.round((r / a) * 255) : 0;
      out[i + 1] = a ? Math.round((g / a) * 255) : 0;
      out[i + 2] = a ? Math.round((b / a) * 255) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const dist = (x, y, cx, cy) => Math.hypot(x - cx, y - cy);
const hex = (h) => [parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255];

/** Each state's shape in the 16-unit space: true where the icon is inked. Distinct without colour. */
const SHAPES = {
  // A full dot: all good.
  connected: (x, y) => dist(x, y, 8, 8) <= 6.5,
  // A ring with a gap, like a spinner: on its way.
  connecting: (x, y) => {
    const d = dist(x, y, 8, 8);
    const angle = Math.atan2(y - 8, x - 8);
    return d <= 6.5 && d >= 4.2 && !(angle > -Math.PI / 2 && angle < 0);
  },
  // A dot with a bar cut out: working, but not well.
  degraded: (x, y) => dist(x, y, 8, 8) <= 6.5 && !(Math.abs(y - 8) <= 1.1 && Math.abs(x - 8) <= 4),
  // A dot with a cross cut out: stopped, needs a look.
  failed: (x, y) => {
    const u = x - 8, v = y - 8;
    const onCross = Math.abs(u - v) <= 1.5 * Math.SQRT2 && Math.abs(u) <= 3.4 && Math.abs(v) <= 3.4
      || Math.abs(u + v) <= 1.5 * Math.SQRT2 && Math.abs(u) <= 3.4 && Math.abs(v) <= 3.4;
    return dist(x, y, 8, 8) <= 6.5 && !onCross;
  },
  // A thin ring: not running.
  idle: (x, y) => {
    const d = dist(x, y, 8, 8);
    return d <= 6 && d >= 4.6;
  },
};

const COLOURS = { connected: '#2ea043', connecting: '#d29922', degraded: '#db6d28', failed: '#da3633', idle: '#8b949e' };
/** Template images are black; the idle one is dimmed (macOS tints by alpha). */
const TEMPLATE_ALPHA = { connected: 1, connecting: 1, degraded: 1, failed: 1, idle: 0.55 };

function appIcon(x, y) {
  // A rounded square with a vertical gradient and a white claw-like arc with a dot.
  const s = 16 / 512;
  const inset = 24 * s, radius = 110 * s;
  const qx = Math.max(Math.abs(x - 8) - (8 - inset - radius), 0);
  const qy = Math.max(Math.abs(y - 8) - (8 - inset - radius), 0);
  if (Math.hypot(qx, qy) > radius) return [0, 0, 0, 0];
  const d = dist(x, y, 8, 8.3);
  const angle = Math.atan2(y - 8.3, x - 8);
  if (d <= 4.6 && d >= 3.1 && !(angle > -0.75 && angle < 0.75)) return [1, 1, 1, 1];
  if (dist(x, y, 10.6, 8.3) <= 0.95) return [1, 1, 1, 1];
  const t = y / 16;
  const [r1, g1, b1] = hex('#ff6b4a');
  const [r2, g2, b2] = hex('#b8321d');
  return [r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t, 1];
}

const trayDir = join('assets', 'tray');
mkdirSync(trayDir, { recursive: true });
for (const [kind, inked] of Object.entries(SHAPES)) {
  const colour = [...hex(COLOURS[kind]), 1];
  const template = [0, 0, 0, TEMPLATE_ALPHA[kind]];
  const none = [0, 0, 0, 0];
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    writeFileSync(join(trayDir, `tray-${kind}${suffix}.png`), encodePng(size, render(size, (x, y) => (inked(x, y) ? colour : none))));
    writeFileSync(join(trayDir, `tray-${kind}Template${suffix}.png`), encodePng(size, render(size, (x, y) => (inked(x, y) ? template : none))));
  }
}
writeFileSync(join('assets', 'icon.png'), encodePng(512, render(512, appIcon)));
console.log(`wrote ${Object.keys(SHAPES).length * 4} tray icons to ${trayDir} and assets/icon.png`);
