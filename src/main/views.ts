// The renderer's views the shell can open directly (tray items, notifications). The window loads
// app://renderer/index.html#<view>; the renderer picks its view from the hash.

export type ShellView = 'chat' | 'health' | 'settings' | 'logs';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function viewUrl(view?: ShellView): string {
  return `${APP_ORIGIN}/index.html${view ? `#${view}` : ''}`;
}

/** True for a URL of our own renderer (app://renderer/…). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
