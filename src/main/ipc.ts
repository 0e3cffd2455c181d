// IPC generated from the contract: one handler per DESKTOP_CALLS entry that accepts only our window's
// main frame on app://, parses the input with the call's own parser, and answers with an IpcReply
// (nothing thrown crosses the process boundary). Core events are forwarded to the window.

import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { DesktopCore } from '../desktop/ports';
import { DESKTOP_CALLS, DESKTOP_EVENTS, type DesktopCallInput, type DesktopCallName, type DesktopCallResults } from '../shared/desktop-api';
import { toErrorInfo, type ErrorInfo } from '../shared/errors';
import { ValidationError } from '../shared/validate';
import { callChannel, eventChannel, type IpcReply } from './ipc-channels';
import { isAppUrl } from './views';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

const REFUSED: ErrorInfo = {
  errorClass: 'Internal',
  message: 'The call was refused: it did not come from the Clawdbot window.',
  hint: 'Only the app window may call the desktop core.',
  retryable: false,
};

function invalidInput(err: unknown): ErrorInfo {
  if (!(err instanceof ValidationError)) return toErrorInfo(err);
  return { errorClass: 'Config', message: err.message, hint: 'Correct the value and try again.', retryable: false };
}

/** Accepts only the main frame of our own window showing app://renderer. */
export function createSenderCheck(currentWindow: () => BrowserWindow | null): SenderCheck {
  return (event) => {
    const win = currentWindow();
    const frame = event.senderFrame;
    if (!win || !frame) return false;
    return event.sender.id === win.webContents.id && frame.parent === null && isAppUrl(frame.url);
  };
}

async function handleDesktopCall<K extends DesktopCallName>(
  core: Pick<DesktopCore, 'call'>,
  name: K,
  raw: unknown,
): Promise<IpcReply<DesktopCallResults[K]>> {
  let input: DesktopCallInput<K>;
  try {
    input = DESKTOP_CALLS[name].parse(raw) as DesktopCallInput<K>;
  } catch (err) {
    return { ok: false, error: invalidInput(err) };
  }
  try {
    return { ok: true, result: await core.call(name, input) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}

export function registerDesktopIpc(options: {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  core: Pick<DesktopCore, 'call'>;
  isTrustedSender: SenderCheck;
}): () => void {
  const names = Object.keys(DESKTOP_CALLS) as DesktopCallName[];
  for (const name of names) {
    options.ipcMain.handle(callChannel(name), (event, raw: unknown) =>
      options.isTrustedSender(event) ? handleDesktopCall(options.core, name, raw) : { ok: false, error: REFUSED },
    );
  }
  return () => names.forEach((name) => options.ipcMain.removeHandler(callChannel(name)));
}

export function forwardDesktopEvents(core: Pick<DesktopCore, 'on'>, target: () => WebContents | null): () => void {
  const unsubscribes = DESKTOP_EVENTS.map((event) =>
    core.on(event, (payload) => {
      const contents = target();
      if (contents && !contents.isDestroyed()) contents.send(eventChannel(event), payload);
    }),
  );
  return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
}
