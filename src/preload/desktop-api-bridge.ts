// The DesktopApi over ipcRenderer: `call` and `on`, nothing else. Unknown call and event names are
// refused here already; failures reject with a DesktopCallError ({ info }), a plain object because
// contextBridge drops custom properties of Error objects. Listeners get the payload only, never the
// IPC event (which would hand the page ipcRenderer itself).

import type { IpcRenderer } from 'electron';
import {
  DESKTOP_CALLS,
  DESKTOP_EVENTS,
  type DesktopApi,
  type DesktopCallError,
  type DesktopCallName,
  type DesktopEventName,
} from '../shared/desktop-api';
import type { ErrorInfo } from '../shared/errors';
import { callChannel, eventChannel, type IpcReply } from './ipc-channels';

function isCallName(name: unknown): name is DesktopCallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DESKTOP_CALLS, name);
}

function isEventName(name: unknown): name is DesktopEventName {
  return typeof name === 'string' && (DESKTOP_EVENTS as readonly string[]).includes(name);
}

function callError(info: ErrorInfo): DesktopCallError {
  return { info };
}

function isReply(v: unknown): v is IpcReply<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

export function createDesktopApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): DesktopApi {
  const call = async (name: unknown, input?: unknown): Promise<unknown> => {
    if (!isCallName(name)) {
      return Promise.reject(callError({ errorClass: 'Internal', message: `Unknown call: ${String(name)}`, hint: 'The window and the app are out of step; restart Clawdbot.', retryable: false }));
    }
    const reply: unknown = await ipc.invoke(callChannel(name), input);
    if (!isReply(reply)) {
      return Promise.reject(callError({ errorClass: 'Internal', message: `No valid answer to ${name}`, hint: 'Restart Clawdbot; if it keeps happening, copy the diagnostics.', retryable: true }));
    }
    return reply.ok ? reply.result : Promise.reject(callError(reply.error));
  };

  const on = (event: unknown, listener: unknown): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const channel = eventChannel(event);
    const forward = (_ipcEvent: unknown, payload: unknown): void => void listener(payload);
    ipc.on(channel, forward);
    return () => void ipc.removeListener(channel, forward);
  };

  return Object.freeze({ call, on }) as DesktopApi;
}
