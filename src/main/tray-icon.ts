// Which tray icon and tooltip a state gets (pure). The icon alone must tell the state: dimmed when idle,
// a mark when something is wrong; the tooltip says it in words. Files come from scripts/make-icons.mjs.

import type { DesktopState } from '../shared/desktop-api';
import { NEEDS_USER } from './tray-menu';

export type TrayIconKind = 'connected' | 'connecting' | 'degraded' | 'failed' | 'idle';

export const TRAY_ICON_KINDS: readonly TrayIconKind[] = ['connected', 'connecting', 'degraded', 'failed', 'idle'];

export function trayIconKind(state: DesktopState): TrayIconKind {
  if (state.mode === 'unconfigured') return 'idle';
  if (state.hostKeyPrompt || (state.lastError && NEEDS_USER.has(state.lastError.errorClass) && state.phase !== 'ready')) return 'failed';
  switch (state.phase) {
    case 'ready':
      return 'connected';
    case 'degraded':
      return 'degraded';
    case 'failed':
      return 'failed';
    case 'starting':
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    case 'idle':
    case 'stopping':
      return 'idle';
  }
}

/**
 * The icon's file name. macOS gets template images (black + alpha, tinted by the menu bar);
 * nativeImage picks up the @2x file next to it by itself.
 */
export function trayIconFile(kind: TrayIconKind, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${kind}Template.png` : `tray-${kind}.png`;
}

/** Windows cuts tray tooltips at 127 characters. */
const MAX_TOOLTIP = 127;

export function trayTooltip(state: DesktopState): string {
  const text = `Clawdbot: ${state.statusText}`;
  return text.length > MAX_TOOLTIP ? `${text.slice(0, MAX_TOOLTIP - 1)}…` : text;
}
