// Wake and unlock retry the tunnel and the health check at once instead of waiting out a keepalive.
// Electron has no network-change event in the main process, so net.isOnline() is polled and the
// offline → online edge counts as a network change.

import type { PowerMonitor } from 'electron';
import type { DesktopCore } from '../desktop/ports';

export function kickOnWake(power: Pick<PowerMonitor, 'on' | 'off'>, core: Pick<DesktopCore, 'kick'>): () => void {
  const onResume = (): void => core.kick('resume');
  const onUnlock = (): void => core.kick('unlock');
  power.on('resume', onResume);
  power.on('unlock-screen', onUnlock);
  return () => {
    power.off('resume', onResume);
    power.off('unlock-screen', onUnlock);
  };
}

export const NETWORK_POLL_MS = 5_000;

export function kickOnNetworkBack(isOnline: () => boolean, core: Pick<DesktopCore, 'kick'>, intervalMs = NETWORK_POLL_MS): () => void {
  let online = isOnline();
  const timer = setInterval(() => {
    const now = isOnline();
    if (now && !online) core.kick('network');
    online = now;
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
