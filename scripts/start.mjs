// `npm start`: build, then run the tray app in Electron. Electron 45 fetches its binary on first use;
// where that download cannot happen (no route to github.com), say so plainly and point to the browser
// twin, which runs the same UI without Electron. `--skip-build` starts what is already built; any other
// argument goes to the app (e.g. `npm start -- --hidden`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');
const appArgs = args.filter((a) => a !== '--skip-build');

/** Electron's own rule (node_modules/electron/index.js), without its download side effect. */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return join(override, name || 'electron');
  return name ? join(electronDir, 'dist', name) : null;
}

/** Explains why Electron will not run, offers the browser twin, and exits non-zero. */
function cannotRunElectron(reason) {
  process.stderr.write(`
Clawdbot cannot open its window: ${reason}

Everything else is built. The same app runs in your browser instead:

    npx clawdbot ui --open

`);
  process.exit(1);
}

if (!skipBuild) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!existsSync(join(root, 'dist', 'main', 'index.cjs'))) {
  process.stderr.write('Clawdbot: dist/main/index.cjs is missing; run `npm run build` and look for errors.\n');
  process.exit(1);
}

let binary = electronBinary();
let downloadError = '';
if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !(binary && existsSync(binary)) && existsSync(join(electronDir, 'install.js'))) {
  console.log('Fetching the Electron binary (first start)…');
  const fetch = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  downloadError = fetch.status === 0 ? '' : (fetch.stderr.trim().split('\n')[0] ?? '');
  binary = electronBinary();
}
if (!binary || !existsSync(binary)) {
  cannotRunElectron(
    process.env.ELECTRON_OVERRIDE_DIST_PATH
      ? `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${binary}).`
      : `Electron could not be downloaded on this machine (its binary comes from github.com on first use${downloadError ? `: ${downloadError}` : ''}).\n` +
          'Where github.com is reachable, `npx install-electron` fetches it; then run `npm start` again.',
  );
}

// A leftover ELECTRON_RUN_AS_NODE would start plain node instead of the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [root, ...appArgs], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => cannotRunElectron(`${binary} could not be started (${err.message}).`));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
