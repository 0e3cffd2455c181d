// Which DesktopApi this page runs with: Electron's preload exposes it as window.clawdbot; otherwise
// the page came from the browser twin (DesktopApi over its WebSocket) or from the gateway's own
// Control UI (a direct GatewayClient).
import { createWsDesktopApi, type WsDesktopApiOptions } from '../../shared/desktop-api-ws-client';
import type { DesktopApi } from '../../shared/desktop-api';
import { prepareControlUi } from '../control-ui/open-control-ui';
import type { HostKind } from '../store/app-store';
import { serverSniffer, type SniffableSocket } from './sniff-server';

type TwinSocket = ReturnType<NonNullable<WsDesktopApiOptions['createSocket']>>;

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

export async function resolveDesktopApi(): Promise<ResolvedApi> {
  if (window.clawdbot) return { api: window.clawdbot, host: 'electron' };
  const sniffer = serverSniffer();
  const twin = createWsDesktopApi({
    createSocket: (url) => {
      const socket = new WebSocket(url);
      sniffer.watch(socket as SniffableSocket);
      return socket as unknown as TwinSocket;
    },
  });
  // The twin answers this call (and the store reads the state anyway); a gateway has spoken first.
  twin.call('getState').catch(() => undefined);
  // Meanwhile the Control UI's own connection starts, in case a gateway served the page.
  const controlUi = prepareControlUi();
  if ((await sniffer.servedBy) === 'control-ui') {
    twin.close();
    controlUi.confirm();
    return { api: controlUi.api, host: 'control-ui' };
  }
  controlUi.abandon();
  return { api: twin, host: 'twin', onAppLink: (listener) => twin.onConnection(listener) };
}
