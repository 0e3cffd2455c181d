// The IPC wire to the main process, the same as src/main/ipc-channels.ts (the preload may import only
// src/shared, so it keeps its own copy; test/preload checks that both agree).

import type { DesktopCallName, DesktopEventName } from '../shared/desktop-api';
import type { ErrorInfo } from '../shared/errors';

export type IpcReply<T> = { ok: true; result: T } | { ok: false; error: ErrorInfo };

export function callChannel(name: DesktopCallName): string {
  return `clawdbot:call:${name}`;
}

export function eventChannel(name: DesktopEventName): string {
  return `clawdbot:event:${name}`;
}
