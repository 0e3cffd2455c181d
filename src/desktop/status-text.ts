// The one-line status the tray tooltip, the renderer's live region and the twin show. It always starts
// with one of: Connected, Connecting, Reconnecting, Degraded, Disconnected, Failed, Not configured.

import type { DesktopState } from '../shared/desktop-api';

function where(state: DesktopState): string {
  if (state.mode === 'remote') return state.remote?.target ? `remote gateway via ${state.remote.target}` : 'remote gateway';
  return state.local ? `local gateway on port ${state.local.port}` : 'local gateway';
}

export function describeStatus(state: DesktopState): string {
  if (state.mode === 'unconfigured') return 'Not configured: choose Local or Remote in Settings';
  switch (state.phase) {
    case 'starting':
    case 'connecting':
      return `Connecting to the ${where(state)}…`;
    case 'ready':
      return `Connected to the ${where(state)}`;
    case 'degraded':
      return `Degraded: the ${where(state)} missed ${state.health?.consecutiveMisses ?? 2} health checks`;
    case 'reconnecting': {
      const attempt = state.remote?.attempt;
      const next = state.remote?.nextRetryInMs;
      const detail = attempt ? ` (attempt ${attempt}${next !== undefined ? `, next try in ${Math.ceil(next / 1000)} s` : ''})` : '';
      return `Reconnecting to the ${where(state)}${detail}`;
    }
    case 'failed':
      return `Failed: ${state.lastError?.message ?? 'the connection stopped'}`;
    case 'stopping':
      return `Disconnected: stopping the ${where(state)}`;
    case 'idle':
      return 'Disconnected';
  }
}
