// Starting the Control UI: the gateway served this page, so its WebSocket is this page's own origin.
// The token comes from the tokenized URL (`/?token=…`); it is moved to sessionStorage and taken out of
// the address bar, so it does not linger in history or get copied along with the URL.
import { GatewayClient } from '../../client/gateway-client';
import { SCOPES } from '../../shared/protocol/frames';
import { VERSION } from '../../shared/version';
import { GatewayDesktopApi } from './gateway-desktop-api';

const TOKEN_KEY = 'clawdbot.controlUi.token';

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

export function openControlUi(): GatewayDesktopApi {
  let storage: Storage | null = null;
  try {
    storage = sessionStorage;
  } catch {
    storage = null;
  }
  const token = takeTokenFromUrl(location, history, storage);
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
  const api = new GatewayDesktopApi(client);
  if (token) api.start();
  else api.waitForToken();
  return api;
}
