import type { IncomingMessage } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthRateLimiter } from '../../../src/gateway/auth/rate-limiter';
import { safeEqualSecret } from '../../../src/gateway/auth/safe-equal';
import { authFailureMessage, checkSharedSecret } from '../../../src/gateway/auth/shared-secret';
import { checkDevice, decodePublicKey } from '../../../src/gateway/devices/identity';
import { isOriginAllowed } from '../../../src/gateway/net/origin';
import { isTrustedProxy, resolvePeer } from '../../../src/gateway/net/peer';
import type { ConnectParams } from '../../../src/shared/protocol/frames';
import { deviceBlock, makeDevice } from '../helpers/device';

describe('rate limiter', () => {
  it('locks out after 10 failures in the window, for the lockout, then forgets', () => {
    let now = 0;
    const rl = new AuthRateLimiter(10, 60_000, 300_000, () => now);
    for (let i = 0; i < 9; i++) expect(rl.recordFailure('a').allowed).toBe(true);
    expect(rl.recordFailure('a')).toEqual({ allowed: false, retryAfterMs: 300_000 });
    expect(rl.check('b').allowed).toBe(true);
    now = 299_999;
    expect(rl.check('a').allowed).toBe(false);
    now = 300_000;
    expect(rl.check('a').allowed).toBe(true);
  });
  it('failures older than the window do not count', () => {
    let now = 0;
    const rl = new AuthRateLimiter(3, 1000, 5000, () => now);
    rl.recordFailure('a');
    rl.recordFailure('a');
    now = 1500;
    expect(rl.recordFailure('a').allowed).toBe(true);
  });
});

describe('shared secrets', () => {
  it('compare in constant time regardless of length', () => {
    expect(safeEqualSecret('abc', 'abc')).toBe(true);
    expect(safeEqualSecret('abc', 'abcd')).toBe(false);
    expect(safeEqualSecret('', 'x')).toBe(false);
  });
  it('give the reference reasons and messages', () => {
    const auth = { mode: 'token' as const, token: 'T', allowTailscale: false };
    expect(checkSharedSecret(auth, undefined)).toEqual({ ok: false, reason: 'token_missing' });
    expect(checkSharedSecret(auth, { token: 'X' })).toEqual({ ok: false, reason: 'token_mismatch' });
    expect(checkSharedSecret(auth, { token: 'T' })).toEqual({ ok: true, method: 'token' });
    expect(authFailureMessage('token_missing', { id: 'cli', mode: 'cli' })).toBe('unauthorized: gateway token missing (set gateway.remote.token to match gateway.auth.token)');
    expect(authFailureMessage('password_mismatch', { id: 'clawdbot-control-ui', mode: 'ui' })).toBe('unauthorized: gateway password mismatch (enter the password in Control UI settings)');
  });
});

describe('device signature verification', () => {
  const d = makeDevice();
  const base = (device: Record<string, unknown>): ConnectParams =>
    ({ minProtocol: 3, maxProtocol: 3, client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' }, scopes: ['operator.admin'], auth: { token: 'T' }, device }) as unknown as ConnectParams;
  const sign = (extra: { nonce?: string; signedAt?: number; token?: string } = {}): Record<string, unknown> =>
    deviceBlock(d, { clientId: 'cli', clientMode: 'cli', scopes: ['operator.admin'], token: extra.token ?? 'T', nonce: extra.nonce, signedAt: extra.signedAt });
  const now = Date.now();

  it('accepts v2 with the challenge nonce and v1 from local peers', () => {
    expect(checkDevice(base(sign({ nonce: 'N' })), 'operator', { challengeNonce: 'N', isLocal: false, now }).ok).toBe(true);
    expect(checkDevice(base(sign()), 'operator', { challengeNonce: 'N', isLocal: true, now }).ok).toBe(true);
  });
  it('refuses in the spec order', () => {
    const ctx = { challengeNonce: 'N', isLocal: false, now };
    expect(checkDevice(base({ ...sign({ nonce: 'N' }), id: 'f'.repeat(64) }), 'operator', ctx)).toEqual({ ok: false, message: 'device identity mismatch' });
    expect(checkDevice(base(sign({ nonce: 'N', signedAt: now - 10 * 60_000 - 1 })), 'operator', ctx)).toEqual({ ok: false, message: 'device signature expired' });
    expect(checkDevice(base(sign({ nonce: 'N', signedAt: now + 9 * 60_000 })), 'operator', ctx).ok).toBe(true);
    expect(checkDevice(base(sign()), 'operator', ctx)).toEqual({ ok: false, message: 'device nonce required' });
    expect(checkDevice(base(sign({ nonce: 'M' })), 'operator', ctx)).toEqual({ ok: false, message: 'device nonce mismatch' });
    expect(checkDevice(base(sign({ nonce: 'N', token: 'other' })), 'operator', ctx)).toEqual({ ok: false, message: 'device signature invalid' });
    expect(checkDevice(base({ ...sign({ nonce: 'N' }), signature: 'not base64 !' }), 'operator', ctx)).toEqual({ ok: false, message: 'device signature invalid' });
    expect(checkDevice(base(sign({ nonce: 'N' })), 'node', ctx)).toEqual({ ok: false, message: 'device signature invalid' });
  });
  it('decodes raw base64url and PEM keys, and refuses other key types', () => {
    expect(decodePublicKey(d.publicKey)?.raw.length).toBe(32);
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(decodePublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString())?.raw.length).toBe(32);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(decodePublicKey(rsa)).toBeNull();
    expect(decodePublicKey('short')).toBeNull();
  });
});

describe('origins and peers', () => {
  it('allows no origin, loopback origins and the same host only', () => {
    expect(isOriginAllowed(undefined, '127.0.0.1:1')).toBe(true);
    expect(isOriginAllowed('http://localhost:3000', '127.0.0.1:1')).toBe(true);
    expect(isOriginAllowed('http://[::1]:3000', '127.0.0.1:1')).toBe(true);
    expect(isOriginAllowed('https://box.example:8443', 'box.example:8443')).toBe(true);
    expect(isOriginAllowed('https://evil.example', 'box.example:8443')).toBe(false);
    expect(isOriginAllowed('null', '127.0.0.1:1')).toBe(false);
  });

  const req = (remoteAddress: string, headers: Record<string, string>): IncomingMessage => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

  it('trusts X-Forwarded-For only from trusted proxies; untrusted headers make a peer remote', () => {
    expect(resolvePeer(req('::ffff:127.0.0.1', { host: '127.0.0.1:1' }), [])).toMatchObject({ clientIp: '127.0.0.1', isLocal: true, isLocalDirect: true });
    expect(resolvePeer(req('127.0.0.1', { host: 'x', 'x-forwarded-for': '203.0.113.1' }), [])).toMatchObject({ clientIp: '127.0.0.1', isLocal: false, untrustedProxyHeaders: true });
    expect(resolvePeer(req('127.0.0.1', { host: 'x', 'x-forwarded-for': '203.0.113.1, 10.0.0.1' }), ['127.0.0.1'])).toMatchObject({ clientIp: '203.0.113.1', isLocal: false, untrustedProxyHeaders: false });
    expect(resolvePeer(req('10.1.2.3', { host: 'x', 'x-real-ip': '198.51.100.2' }), ['10.0.0.0/8']).clientIp).toBe('198.51.100.2');
    expect(isTrustedProxy('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
  });
});
