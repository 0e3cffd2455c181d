// Builds every program with esbuild: the CLI/gateway bundle, the Electron main and preload, the renderer.
// One fast bundler for all targets keeps `npm ci` (which runs this through `prepare`) quick.
// The build goes to a fresh folder that then replaces dist/ in one rename, so a gateway that a test
// starts while another build runs never finds a half-written dist/.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';

const out = `dist.building-${process.pid}`;
rmSync(out, { recursive: true, force: true });

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
const common = { define: { __CLAWDBOT_VERSION__: JSON.stringify(version) }, bundle: true, sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
// ssh2 loads optional native addons relative to its own files, so it stays in node_modules.
const nodeExternal = ['ssh2', 'cpu-features', 'electron'];

const jobs = [
  build({
    ...common,
    entryPoints: { clawdbot: 'src/cli/main.ts' },
    outdir: `${out}/cli`,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    external: nodeExternal,
    // CJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  }),
];
if (existsSync('src/main/index.ts')) {
  jobs.push(build({ ...common, entryPoints: { index: 'src/main/index.ts' }, outdir: `${out}/main`, outExtension: { '.js': '.cjs' }, platform: 'node', format: 'cjs', target: 'node22', external: nodeExternal }));
}
if (existsSync('src/preload/index.ts')) {
  jobs.push(build({ ...common, entryPoints: { index: 'src/preload/index.ts' }, outdir: `${out}/preload`, outExtension: { '.js': '.cjs' }, platform: 'node', format: 'cjs', target: 'node22', external: ['electron'] }));
}
// The renderer's Markdown (markdown-it) is a script of its own, markdown.js, which app.js imports only
// when it needs it (src/renderer/markdown/markdown-loader.ts). Two standalone bundles rather than
// esbuild's code splitting, whose shared chunk app.js would have to fetch before it could start.
const lazyMarkdown = {
  name: 'lazy-markdown',
  setup(b) {
    b.onResolve({ filter: /^\.\/render-markdown$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './markdown.js', external: true } : undefined));
  },
};
if (existsSync('src/renderer/index.tsx')) {
  const renderer = { ...common, outdir: `${out}/renderer`, platform: 'browser', format: 'esm', target: 'chrome120', minify: true, jsx: 'automatic', define: { ...common.define, 'process.env.NODE_ENV': '"production"' } };
  jobs.push(build({ ...renderer, entryPoints: { app: 'src/renderer/index.tsx' }, plugins: [lazyMarkdown] }));
  jobs.push(build({ ...renderer, entryPoints: { markdown: 'src/renderer/markdown/render-markdown.ts' } }));
}
try {
  await Promise.all(jobs);
  if (existsSync('src/renderer/static')) {
    mkdirSync(`${out}/renderer`, { recursive: true });
    cpSync('src/renderer/static', `${out}/renderer`, { recursive: true });
  }
  const old = `dist.old-${process.pid}`;
  if (existsSync('dist')) renameSync('dist', old);
  renameSync(out, 'dist');
  rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(out, { recursive: true, force: true });
  throw err;
}
