// The tray menu as a pure function of DesktopState: no electron here, so every state is tested as data.
// The menu is flat (some Linux tray hosts render submenus badly) and rebuilt whole on every change.
// Items carry an action, not a click handler; tray.ts turns actions into calls.

import type { DesktopState, Mode } from '../shared/desktop-api';
import type { ErrorClass } from '../shared/errors';
import type { ShellView } from './views';

export type TrayAction =
  | { kind: 'open'; view: ShellView }
  | { kind: 'setMode'; mode: Mode }
  | { kind: 'reconnect' }
  | { kind: 'copyGatewayUrl' }
  | { kind: 'copyDiagnostics' }
  | { kind: 'toggleStartAtLogin' }
  | { kind: 'quit' };

export interface TrayMenuItem {
  type: 'normal' | 'separator' | 'radio' | 'checkbox';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  action?: TrayAction;
}

export interface TrayMenuContext {
  startAtLogin: boolean;
}

/** Errors only the user can fix: the primary action sends them to Settings instead of retrying. */
export const NEEDS_USER: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  'AuthFailed', 'SshAuthFailed', 'HostKeyChanged', 'HostKeyUnknown', 'HostKeyRevoked', 'PairingRequired', 'Config', 'SshConfig',
]);

const MAX_STATUS_LABEL = 80;

function statusLine(state: DesktopState): string {
  const text = state.statusText;
  return text.length > MAX_STATUS_LABEL ? `${text.slice(0, MAX_STATUS_LABEL - 1)}…` : text;
}

/** The one action that most likely helps in this state (Tailscale-style, right under the status line). */
export function primaryAction(state: DesktopState): TrayMenuItem {
  if (state.mode === 'unconfigured') return { type: 'normal', label: 'Set Up Clawdbot…', action: { kind: 'open', view: 'settings' } };
  if (state.hostKeyPrompt) return { type: 'normal', label: 'Review Host Key…', action: { kind: 'open', view: 'settings' } };
  if (state.lastError && NEEDS_USER.has(state.lastError.errorClass) && state.phase !== 'ready') {
    return { type: 'normal', label: 'Fix in Settings…', action: { kind: 'open', view: 'settings' } };
  }
  if (state.phase === 'ready' || state.phase === 'degraded') return { type: 'normal', label: 'Open WebChat', action: { kind: 'open', view: 'chat' } };
  return { type: 'normal', label: 'Reconnect Now', action: { kind: 'reconnect' } };
}

const MODE_CHOICES: { mode: Mode; label: string }[] = [
  { mode: 'local', label: 'Local (this machine)' },
  { mode: 'remote', label: 'Remote over SSH' },
  { mode: 'unconfigured', label: 'Not configured' },
];

export function buildTrayMenu(state: DesktopState, context: TrayMenuContext): TrayMenuItem[] {
  const configured = state.mode !== 'unconfigured';
  const separator: TrayMenuItem = { type: 'separator' };
  return [
    { type: 'normal', label: statusLine(state), enabled: false },
    primaryAction(state),
    separator,
    { type: 'normal', label: 'Clawdbot runs:', enabled: false },
    ...MODE_CHOICES.map(({ mode, label }): TrayMenuItem => ({
      type: 'radio',
      label,
      checked: state.mode === mode,
      action: { kind: 'setMode', mode },
    })),
    separator,
    { type: 'normal', label: 'Open WebChat', enabled: configured, action: { kind: 'open', view: 'chat' } },
    { type: 'normal', label: 'Health', action: { kind: 'open', view: 'health' } },
    { type: 'normal', label: 'Reconnect Now', enabled: configured && state.phase !== 'stopping', action: { kind: 'reconnect' } },
    { type: 'normal', label: 'Copy Gateway URL', enabled: state.endpointUrl !== null, action: { kind: 'copyGatewayUrl' } },
    { type: 'normal', label: 'Copy Diagnostics', action: { kind: 'copyDiagnostics' } },
    { type: 'normal', label: 'View Logs', action: { kind: 'open', view: 'logs' } },
    { type: 'normal', label: 'Settings…', action: { kind: 'open', view: 'settings' } },
    separator,
    { type: 'checkbox', label: 'Start at Login', checked: context.startAtLogin, action: { kind: 'toggleStartAtLogin' } },
    { type: 'normal', label: 'Quit Clawdbot', action: { kind: 'quit' } },
  ];
}
