#!/usr/bin/env node
// `npm run soak -- --minutes N`: chat, health and reconnects against a real gateway for N minutes;
// exit 1 when memory or handles grew by more than 10 % (see bench/soak-main.ts).
import { buildProject, loadTs } from './lib/load-ts.mjs';

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

await buildProject();
const { main } = await loadTs('soak-main.ts');
process.exitCode = await main(process.argv.slice(2));
process.exit();
