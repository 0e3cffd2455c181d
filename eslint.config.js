// Lint, including the runtime boundaries between the folders of src/ (see README, "Layout").
// A wrong import between folders is an error, so it fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FOLDERS = ['shared', 'config', 'client', 'gateway', 'tunnel', 'desktop', 'main', 'preload', 'renderer', 'web', 'cli'];

/** What each folder of src/ may import (besides itself and npm packages). */
const MAY_IMPORT = {
  shared: [],
  config: ['shared'],
  client: ['shared'],
  gateway: ['shared', 'config'],
  tunnel: ['shared'],
  desktop: ['shared', 'config', 'client', 'tunnel'],
  main: ['shared', 'desktop'],
  preload: ['shared'],
  renderer: ['shared', 'client'],
  web: ['shared', 'config', 'desktop'],
  cli: ['shared', 'config', 'client', 'gateway', 'tunnel', 'desktop', 'web'],
};
const ELECTRON_ALLOWED = new Set(['main', 'preload']);
const NODE_BUILTINS_FORBIDDEN = new Set(['shared', 'renderer', 'client']);

function boundaryRule(folder) {
  const forbidden = FOLDERS.filter((f) => f !== folder && !MAY_IMPORT[folder].includes(f));
  const patterns = [
    {
      regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
      message: `src/${folder} may import only from: ${MAY_IMPORT[folder].join(', ') || 'nothing outside itself'} (see README, "Layout").`,
    },
  ];
  if (NODE_BUILTINS_FORBIDDEN.has(folder)) {
    // client runs in the browser too; Node-only code lives in client/node/ (exempted below).
    patterns.push({ regex: '^node:', message: `src/${folder} also runs in the browser: no Node built-ins here.` });
  }
  const paths = ELECTRON_ALLOWED.has(folder)
    ? []
    : [{ name: 'electron', message: 'Only src/main and src/preload may import electron.' }];
  return ['error', { paths, patterns }];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', clearImmediate: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly',
        AbortController: 'readonly', AbortSignal: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly',
        performance: 'readonly', crypto: 'readonly', WebSocket: 'readonly', window: 'readonly', document: 'readonly',
        navigator: 'readonly', localStorage: 'readonly', location: 'readonly', requestAnimationFrame: 'readonly',
        globalThis: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', Event: 'readonly', EventTarget: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  ...FOLDERS.map((folder) => ({
    files: [`src/${folder}/**/*.{ts,tsx}`],
    ignores: folder === 'client' ? ['src/client/node/**'] : [],
    rules: { 'no-restricted-imports': boundaryRule(folder) },
  })),
  {
    files: ['src/client/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src/main and src/preload may import electron.' }], patterns: [{ regex: '^(\\.\\./)+(config|gateway|tunnel|desktop|main|preload|renderer|web|cli)(/|$)', message: 'src/client/node may import only shared and client.' }] }] },
  },
  {
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.{ts,mjs,js}', 'scripts/**/*.{mjs,js}'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Tests never load the real electron module: vi.mock it.' }] }] },
  },
);
