#!/usr/bin/env node
// Thin launcher: the CLI is bundled by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/clawdbot.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('clawdbot is not built yet: run `npm run build` in the project folder.\n');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
