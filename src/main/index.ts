// Electron main entry (bundled to dist/main/index.cjs): the desktop core with Electron's ports, in the
// shell from main-process.ts. `--profile NAME` selects the state dir as it does for the CLI.

import { createDesktopCore } from '../desktop/core';
import { startMainProcess } from './main-process';
import { applyProfile, profileArgument, resolveStateDir } from '../desktop/profile';

const profile = profileArgument(process.argv);
const profileError = profile === null ? null : applyProfile(profile, process.env);
if (profileError) {
  process.stderr.write(`clawdbot: ${profileError}\n`);
  process.exit(2);
}
const stateDir = resolveStateDir(process.env);

startMainProcess({
  createCore: (ports) => createDesktopCore(ports, { stateDir }),
  stateDir,
  env: process.env,
  argv: process.argv,
  platform: process.platform,
  profile,
});
