// Starting the Control UI: the gateway served this page, so its WebSocket is this page's own origin.
// The token comes from the tokenized URL (`/?token=…`); it is moved to sessionStorage and taken out of
// the address bar, so it does not linger in history or get copied along with the URL.
import { GatewayClient } from '../../client/gateway-client';
import { SCOPES } from '../../shared/protocol/frames';
import { VERSION } from '../../shared/version';
import { GatewayDesktopApi } from './gateway-desktop-api';

const TOKEN_KEY = 'clawdbot.controlUi.token';

/** The token this page was opened with (the address first, then this tab's storage); changes nothing. */
export function peekToken(loc: Location, storage: Storage | null): string | undefined {
  return new URL(loc.href).searchParams.get('token') || (storage?.getItem(TOKEN_KEY) ?? undefined);
}

export function takeTokenFromUrl(loc: Location, hist: History, storage: Storage | null): string | undefined {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage?.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    hist.replaceState(hist.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage?.getItem(TOKEN_KEY) ?? undefined;
}

/** The user pasted a token: keep it for this tab and start over with it. */
export function reconnectWithToken(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  } catch {
    // Without storage the token cannot survive the reload; the URL form still works.
  }
  location.reload();
}

export function gatewayUrlFor(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${loc.pathname.replace(/[^/]*$/, '')}`;
}

function tabStorage(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

export interface PreparedControlUi {
  api: GatewayDesktopApi;
  /** This page is the Control UI: take the token out of the address bar, or ask for one. */
  confirm(): void;
  /** This page is not (the browser twin served it): close the connection, leave the address alone. */
  abandon(): void;
}

/**
 * Starts the Control UI's gateway connection before the page knows who served it, so that on a
 * gateway the sniff (resolve-desktop-api.ts) and the handshake overlap instead of following each
 * other (about 50 ms of a 290 ms start). Nothing is changed until confirm(): the twin's own token
 * stays in its address. The client sends no credential before the gateway's challenge, which only a
 * gateway sends.
 */
export function prepareControlUi(): PreparedControlUi {
  const storage = tabStorage();
  const token = peekToken(location, storage);
  const api = createApi(token);
  if (token) api.start();
  return {
    api,
    confirm: () => {
      takeTokenFromUrl(location, history, storage);
      if (!token) api.waitForToken();
    },
    abandon: () => api.dispose(),
  };
}

export function openControlUi(): GatewayDesktopApi {
  const prepared = prepareControlUi();
  prepared.confirm();
  return prepared.api;
}

function createApi(token: string | undefined): GatewayDesktopApi {
  const client = new GatewayClient({
    url: gatewayUrlFor(location),
    token,
    // A browser has no device identity here; webchat-ui with token auth is allowed without one.
    clientId: 'webchat-ui',
    clientMode: 'webchat',
    clientVersion: VERSION,
    displayName: 'Clawdbot Control UI',
    scopes: [SCOPES.read, SCOPES.write],
    userAgent: navigator.userAgent,
    reconnect: true,
  });
  return new GatewayDesktopApi(client);
}
