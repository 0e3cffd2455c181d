// The IPC wire between this main process and src/preload: one channel per DesktopApi call and event,
// and the reply envelope (errors travel as ErrorInfo data, never as thrown objects). src/preload keeps
// the same definitions (it may import only src/shared); test/preload checks that the two agree.

import type { DesktopCallName, DesktopEventName } from '../shared/desktop-api';
import type { ErrorInfo } from '../shared/errors';

export type IpcReply<T> = { ok: true; result: T } | { ok: false; error: ErrorInfo };

export function callChannel(name: DesktopCallName): string {
  return `clawdbot:call:${name}`;
}

export function eventChannel(name: DesktopEventName): string {
  return `clawdbot:event:${name}`;
}
