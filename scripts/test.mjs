// `npm test`: build, type-check, lint, then the vitest suite. Ends with the plain line
// "N passed, N failed" that CI reads (the build, type-check and lint count as one check each).
//   node scripts/test.mjs                 the whole quick suite
//   node scripts/test.mjs --with-faults   also the fault suite (network namespaces; root) — what CI runs
//   node scripts/test.mjs test/gateway    only some test files (no type-check or lint)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const withFaults = process.argv.includes('--with-faults');
const filters = process.argv.slice(2).filter((a) => a !== '--with-faults');
let passed = 0;
let failed = 0;

function step(name, args) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    console.log(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
  }
  return r.status === 0;
}

function vitest(name, args) {
  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-vitest-'));
  const report = join(dir, 'report.json');
  console.log(`\n▶ ${name}`);
  spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], { stdio: 'inherit' });
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    // A file that fails to load has no test results but counts as a failure.
    failed += (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    if (r.numTotalTests === 0) failed += 1;
  } catch {
    failed += 1;
    console.log(`✖ ${name} produced no report`);
  }
  rmSync(dir, { recursive: true, force: true });
}

const built = step('build', ['scripts/build.mjs']);
if (filters.length === 0) {
  step('typecheck', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  step('lint', ['node_modules/eslint/bin/eslint.js', '--max-warnings', '0', '--no-error-on-unmatched-pattern', 'src', 'test', 'bench', 'scripts']);
}
if (built) {
  vitest('vitest', filters);
  if (withFaults && existsSync('test/faults')) vitest('fault suite', ['--config', 'vitest.faults.config.ts']);
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
