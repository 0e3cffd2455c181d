#!/usr/bin/env node
// `npm run fuzz -- --frames 100000 [--seed S] [--lanes L]`: protocol fuzzing of a real gateway process
// (see bench/fuzz-main.ts). Exit 1 when the gateway crashed or stopped answering.
import { buildProject, loadTs } from './lib/load-ts.mjs';

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

await buildProject();
const { main } = await loadTs('fuzz-main.ts');
process.exitCode = await main(process.argv.slice(2));
process.exit();
