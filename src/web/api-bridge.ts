// The DesktopApi over one WebSocket, generated from DESKTOP_CALLS / DESKTOP_EVENTS: a request
// `{id, call, input}` is parsed with that call's parser and answered `{id, ok, result}` or
// `{id, ok:false, error}` (ErrorInfo); every event goes out as `{event, payload}`.

import type { WebSocket } from 'ws';
import { DESKTOP_CALLS, DESKTOP_EVENTS, type DesktopCallName } from '../shared/desktop-api';
import { ClawdbotError, toErrorInfo, type ErrorInfo } from '../shared/errors';
import { ValidationError } from '../shared/validate';
import type { DesktopCore } from '../desktop/ports';

function isCallName(name: unknown): name is DesktopCallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DESKTOP_CALLS, name);
}

function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof ValidationError) {
    return new ClawdbotError('Config', err.message, 'The request was not understood; reload the page.').toJSON();
  }
  return toErrorInfo(err);
}

/** Answers one raw message; returns the reply to send (null for a frame we cannot even answer). */
export async function handleApiMessage(core: DesktopCore, raw: string): Promise<string | null> {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return null;
  }
  if (msg === null || typeof msg !== 'object') return null;
  const { id, call, input } = msg as { id?: unknown; call?: unknown; input?: unknown };
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  try {
    if (!isCallName(call)) throw new ValidationError(`unknown call '${String(call)}'`);
    const parsed = DESKTOP_CALLS[call].parse(input as never);
    const result = await core.call(call, parsed as never);
    return JSON.stringify({ id, ok: true, result });
  } catch (err) {
    return JSON.stringify({ id, ok: false, error: errorInfo(err) });
  }
}

/** Wires one authenticated socket to the core until it closes. */
export function attachApiSocket(core: DesktopCore, socket: WebSocket): void {
  const send = (text: string): void => {
    if (socket.readyState === socket.OPEN) socket.send(text);
  };
  const offs = DESKTOP_EVENTS.map((event) => core.on(event, (payload) => send(JSON.stringify({ event, payload }))));
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    void handleApiMessage(core, data.toString()).then((reply) => {
      if (reply) send(reply);
    });
  });
  socket.on('close', () => {
    for (const off of offs) off();
  });
}
