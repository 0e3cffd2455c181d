import { describe, expect, it } from 'vitest';
import { checkConnectParams, checkRequestFrame, idOfInvalidFrame } from '../../../src/shared/protocol/validators';
import { closeReason } from '../../../src/gateway/connection';

const valid = { minProtocol: 3, maxProtocol: 3, client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' } };

describe('request frame validation (reference messages)', () => {
  it('matches the captured texts', () => {
    expect(checkRequestFrame({ type: 'req', id: 'a', method: 'health', params: {}, extra: true })).toEqual({ ok: false, message: "at root: unexpected property 'extra'" });
    expect(checkRequestFrame({ type: 'request', method: 'health' })).toEqual({ ok: false, message: "must have required property 'id'; at /type: must be equal to constant" });
    expect(checkRequestFrame({ type: 'req', id: '', method: 'x' })).toEqual({ ok: false, message: 'at /id: must NOT have fewer than 1 characters' });
    expect(checkRequestFrame([])).toEqual({ ok: false, message: 'must be object' });
    expect(checkRequestFrame({ type: 'req', id: 'a', method: 'health' }).ok).toBe(true);
    expect(idOfInvalidFrame({ id: 'x' })).toBe('x');
    expect(idOfInvalidFrame({ id: 5 })).toBe('invalid');
  });
});

describe('ConnectParams validation (reference messages)', () => {
  it('enums report const + anyOf once each', () => {
    expect(checkConnectParams({ ...valid, client: { ...valid.client, id: 'my-electron-app' } })).toEqual({
      ok: false,
      message: 'at /client/id: must be equal to constant; at /client/id: must match a schema in anyOf',
    });
  });
  it('unknown keys, types and ranges', () => {
    expect(checkConnectParams({ ...valid, foo: 1 })).toEqual({ ok: false, message: "at root: unexpected property 'foo'" });
    expect(checkConnectParams({ ...valid, minProtocol: 0, permissions: { a: 'yes' }, device: { id: 'x' } })).toEqual({
      ok: false,
      message:
        "at /minProtocol: must be >= 1; at /permissions/a: must be boolean; at /device: must have required property 'publicKey'; at /device: must have required property 'signature'; at /device: must have required property 'signedAt'",
    });
    expect(checkConnectParams(undefined)).toEqual({ ok: false, message: 'must be object' });
    expect(checkConnectParams(valid).ok).toBe(true);
  });
});

describe('close reasons', () => {
  it('are cut to 120 bytes without splitting a character', () => {
    expect(Buffer.byteLength(closeReason('é'.repeat(100)))).toBeLessThanOrEqual(120);
    expect(closeReason('é'.repeat(100))).toBe('é'.repeat(60));
    expect(closeReason('short')).toBe('short');
  });
});
