import { describe, expect, it } from 'vitest';
import { connectionClosed, connectRejected, describeClose, requestFailed } from '../../src/client/errors';

describe('gateway errors', () => {
  it('words closes as the reference CLI does', () => {
    expect(describeClose(1006, '')).toBe('gateway closed (1006 abnormal closure (no close frame)): no close reason');
    expect(describeClose(1000, '')).toBe('gateway closed (1000 normal closure): no close reason');
    expect(describeClose(1008, 'unauthorized')).toBe('gateway closed (1008): unauthorized');
  });

  it('classifies connect failures so the app knows whether to retry', () => {
    const cases: Array<[Parameters<typeof connectRejected>[0], string, boolean]> = [
      [{ code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch (provide gateway auth token)' }, 'AuthFailed', false],
      [{ code: 'NOT_PAIRED', message: 'pairing required', details: { requestId: 'r-1' } }, 'PairingRequired', false],
      [{ code: 'NOT_PAIRED', message: 'device identity required' }, 'AuthFailed', false],
      [{ code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { expectedProtocol: 4 } }, 'ProtocolMismatch', false],
      [{ code: 'UNAVAILABLE', message: 'too many failed attempts', retryAfterMs: 30_000 }, 'RateLimited', false],
    ];
    for (const [shape, errorClass, retryable] of cases) {
      const err = connectRejected(shape, 1008, shape.message);
      expect(err).toMatchObject({ errorClass, closeCode: 1008, closeReason: shape.message, serverError: shape });
      expect(err.retryable).toBe(retryable);
      expect(err.hint.length).toBeGreaterThan(10);
    }
    expect(connectRejected({ code: 'NOT_PAIRED', message: 'pairing required', details: { requestId: 'r-1' } }, 1008, '').hint).toContain('"requestId":"r-1"');
  });

  it('treats drops, restarts and silence as retryable', () => {
    expect(connectionClosed(1006, '', 'connect ECONNREFUSED 127.0.0.1:1')).toMatchObject({ errorClass: 'GatewayUnreachable', retryable: true, transportCause: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(connectionClosed(1012, 'service restart').retryable).toBe(true);
    expect(connectionClosed(4000, 'tick timeout')).toMatchObject({ errorClass: 'GatewayTimeout', retryable: true });
    expect(connectionClosed(1002, 'protocol mismatch').retryable).toBe(false);
  });

  it('keeps the gateway message and payload of a failed request', () => {
    const err = requestFailed({ code: 'UNAVAILABLE', message: 'no model' }, { runId: 'r', status: 'error' });
    expect(err).toMatchObject({ message: 'no model', payload: { runId: 'r', status: 'error' }, errorClass: 'Internal' });
    expect(requestFailed({ code: 'INVALID_REQUEST', message: 'missing scope: operator.admin' }).errorClass).toBe('AuthFailed');
  });
});
