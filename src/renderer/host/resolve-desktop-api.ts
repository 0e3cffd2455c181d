// Which DesktopApi this page runs with: Electron's preload exposes it as window.clawdbot; the browser
// twin (`clawdbot ui`) marks the pages it serves with <meta name="clawdbot-host" content="twin"> and
// is reached through its DesktopApi WebSocket; otherwise the gateway served the page (its Control UI)
// and a direct GatewayClient is used. Knowing it from the page itself costs no probe, and the page
// opens only the one WebSocket it needs (Chromium holds back a second one to the same server while
// the first is opening: that cost the Control UI about 100 ms).
import { createWsDesktopApi } from '../../shared/desktop-api-ws-client';
import type { DesktopApi } from '../../shared/desktop-api';
import { openControlUi } from '../control-ui/open-control-ui';
import { TWIN_MARKER } from '../../shared/twin-marker';
import type { HostKind } from '../store/app-store';

declare global {
  interface Window {
    clawdbot?: DesktopApi;
  }
}

export interface ResolvedApi {
  api: DesktopApi;
  host: HostKind;
  /** The twin's socket going down and up; Electron's IPC and the Control UI report through state instead. */
  onAppLink?: (listener: (up: boolean) => void) => () => void;
}

export function servedByTwin(doc: Document): boolean {
  return doc.querySelector(`meta[name="${TWIN_MARKER.name}"]`)?.getAttribute('content') === TWIN_MARKER.content;
}

export async function resolveDesktopApi(): Promise<ResolvedApi> {
  if (window.clawdbot) return { api: window.clawdbot, host: 'electron' };
  if (!servedByTwin(document)) return { api: openControlUi(), host: 'control-ui' };
  const twin = createWsDesktopApi();
  return { api: twin, host: 'twin', onAppLink: (listener) => twin.onConnection(listener) };
}
