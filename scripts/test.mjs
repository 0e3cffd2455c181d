// `npm test`: build, type-check, lint, then the vitest suite. Ends with the plain line
// "N passed, N failed" that CI reads (the type-check and lint count as one check each).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;

function step(name, cmd, args) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    console.log(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
  }
  return r.status === 0;
}

const built = step('build', process.execPath, ['scripts/build.mjs']);
if (extraArgs.length === 0) {
  step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  step('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '--max-warnings', '0', '--no-error-on-unmatched-pattern', 'src', 'test', 'bench', 'scripts']);
}

if (built) {
  const dir = mkdtempSync(join(tmpdir(), 'clawdbot-vitest-'));
  const report = join(dir, 'report.json');
  console.log('\n▶ vitest');
  spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs], { stdio: 'inherit' });
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
    if (r.numTotalTests === 0) failed += 1;
  } catch {
    failed += 1;
    console.log('✖ vitest produced no report');
  }
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
