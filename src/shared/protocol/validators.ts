// Validators for the frames a client sends (spec §2.2, §3), with the reference's exact messages.

import { CLIENT_IDS, CLIENT_MODES, type ConnectParams, type RequestFrame } from './frames';
import { checkSchema, s } from './schema';

export const REQUEST_FRAME_SCHEMA = s.object(
  { type: s.literal('req'), id: s.nonEmpty(), method: s.nonEmpty(), params: s.unknown() },
  ['type', 'id', 'method'],
);

export const CONNECT_PARAMS_SCHEMA = s.object(
  {
    minProtocol: s.integer(1),
    maxProtocol: s.integer(1),
    client: s.object(
      {
        id: s.oneOfStrings(CLIENT_IDS),
        displayName: s.nonEmpty(),
        version: s.nonEmpty(),
        platform: s.nonEmpty(),
        deviceFamily: s.nonEmpty(),
        modelIdentifier: s.nonEmpty(),
        mode: s.oneOfStrings(CLIENT_MODES),
        instanceId: s.nonEmpty(),
      },
      ['id', 'version', 'platform', 'mode'],
    ),
    caps: s.array(s.nonEmpty()),
    commands: s.array(s.nonEmpty()),
    permissions: s.record(s.boolean()),
    pathEnv: s.string(),
    role: s.nonEmpty(),
    scopes: s.array(s.nonEmpty()),
    device: s.object(
      { id: s.nonEmpty(), publicKey: s.nonEmpty(), signature: s.nonEmpty(), signedAt: s.integer(0), nonce: s.nonEmpty() },
      ['id', 'publicKey', 'signature', 'signedAt'],
    ),
    auth: s.object({ token: s.string(), password: s.string() }),
    locale: s.string(),
    userAgent: s.string(),
  },
  ['minProtocol', 'maxProtocol', 'client'],
);

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** A request frame: `{type:"req", id, method, params?}`, strict. */
export function checkRequestFrame(value: unknown): Checked<RequestFrame> {
  const message = checkSchema(REQUEST_FRAME_SCHEMA, value);
  return message === null ? { ok: true, value: value as RequestFrame } : { ok: false, message };
}

/** ConnectParams, strict at every level; the message is the `<details>` of `invalid connect params: <details>`. */
export function checkConnectParams(value: unknown): Checked<ConnectParams> {
  const message = checkSchema(CONNECT_PARAMS_SCHEMA, value);
  return message === null ? { ok: true, value: value as ConnectParams } : { ok: false, message };
}

/** The id a response to an invalid frame carries: its own id when that is a string, else "invalid". */
export function idOfInvalidFrame(value: unknown): string {
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : 'invalid';
}
