#!/usr/bin/env node
// `npm run bench [-- tunnel|gateway|chat|recovery …]`: builds the project and the benchmark drivers,
// then runs the groups (all by default). See bench/main.ts.
import { buildProject, loadTs } from './lib/load-ts.mjs';

// Ctrl-C: exit through process.exit so every exit hook stops its processes and namespaces.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

await buildProject();
const { main } = await loadTs('main.ts');
process.exitCode = await main(process.argv.slice(2));
process.exit();
