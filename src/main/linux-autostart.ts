// Start at login on Linux, where app.setLoginItemSettings does nothing: an XDG autostart entry
// (~/.config/autostart/clawdbot.desktop) that starts the app hidden.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const HIDDEN_FLAG = '--hidden';

export function autostartFile(env: Record<string, string | undefined>): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() || join(env.HOME || homedir(), '.config');
  return join(configHome, 'autostart', 'clawdbot.desktop');
}

/**
 * Quotes a path for an Exec= line (Desktop Entry spec): inside double quotes, " ` $ and \ get a
 * backslash; then every backslash is doubled, because the string-value escape applies first; % is
 * doubled (field codes).
 */
export function quoteExec(path: string): string {
  const quoted = path.replace(/(["`$\\])/g, '\\$1');
  return `"${quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%')}"`;
}

export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Clawdbot',
    'Comment=Clawdbot gateway in the tray',
    `Exec=${quoteExec(executable)} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function setLinuxAutostart(enabled: boolean, executable: string, env: Record<string, string | undefined>): void {
  const file = autostartFile(env);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, autostartEntry(executable), { mode: 0o644 });
}
