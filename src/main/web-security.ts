// What the renderer may not do: navigate away, open windows, attach webviews, or get permissions. An
// external http(s) link goes to the user's browser, and only after it parses as a plain web URL.

import type { Session, WebContents } from 'electron';
import { isAppUrl } from './views';

/** http(s) with a host and no credentials: the only URLs handed to the OS browser. */
export function isSafeExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0 && u.username === '' && u.password === '';
}

/** The one permission granted, to our own page: writing text to the clipboard (copy buttons). */
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl);
}

export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  const external = (url: string): void => {
    if (isSafeExternalUrl(url)) openExternal(url);
  };
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    external(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    external(url);
    return { action: 'deny' };
  });
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback) => callback(isPermissionAllowed(permission, contents.getURL())));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
}
