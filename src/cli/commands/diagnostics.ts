// `clawdbot diagnostics`: the desktop app's diagnostics bundle (the one "Copy diagnostics" copies), for
// when the window will not open. It reads what the app saved under the state dir and starts nothing.

import { buildOfflineDiagnostics } from '../../desktop/offline-diagnostics';

const HELP = `Usage: clawdbot diagnostics

Prints the desktop app's diagnostics bundle, redacted: versions, mode, the resolved SSH settings, the
host key fingerprint, the last state changes, health and the log tail, as the app last saved them.
Starts no gateway and no tunnel. Honours --profile, CLAWDBOT_STATE_DIR and CLAWDBOT_CONFIG_PATH.
`;

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`clawdbot diagnostics: unknown option "${args[0]}"\n\n${HELP}`);
    return 2;
  }
  process.stdout.write(await buildOfflineDiagnostics(process.env));
  return 0;
}
