// Bundles a TypeScript entry of bench/ (which may import src/ and test/support/) with esbuild into a
// scratch folder bench/results/.build-* and imports it. The folder sits inside the repo so that npm
// packages resolve from node_modules, and under results/ so that lint skips it; it is removed when the
// process exits.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const BENCH = resolve(import.meta.dirname, '..');
const REPO = resolve(BENCH, '..');
const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;

// Bundled code would see the bundle's folder in import.meta.dirname; give each file its own.
const dirnamePlugin = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path))),
      loader: args.path.endsWith('x') ? 'tsx' : 'ts',
    }));
  },
};

let outdir;

/** Bundles bench/<entry>.ts (relative to bench/) and returns its module. */
export async function loadTs(entry) {
  if (!outdir) {
    mkdirSync(join(BENCH, 'results'), { recursive: true });
    outdir = mkdtempSync(join(BENCH, 'results', '.build-'));
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  }
  const name = entry.replace(/[/\\]/g, '_').replace(/\.ts$/, '');
  await build({
    entryPoints: { [name]: join(BENCH, entry) },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    define: { __CLAWDBOT_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
    plugins: [dirnamePlugin],
    // As in the CLI bundle: code that loads CommonJS parts with require() (the ssh2 loader) finds it.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return import(pathToFileURL(join(outdir, `${name}.mjs`)).href);
}

/** Runs `node scripts/build.mjs` (the gateway and CLI the benchmarks start). */
export async function buildProject() {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
}
