import { describe, expect, it } from 'vitest';
import type { DesktopState } from '../../src/shared/desktop-api';
import { LASTING_MS, createNotificationPolicy } from '../../src/main/notification-policy';
import { makeState } from './fake-core';

function setup() {
  let now = 1_000_000;
  const policy = createNotificationPolicy({ now: () => now });
  return {
    policy,
    advance(ms: number) {
      now += ms;
    },
    observe: (patch: Partial<DesktopState>) => policy.observe(makeState(patch)),
  };
}

const reconnecting: Partial<DesktopState> = { mode: 'remote', phase: 'reconnecting', statusText: 'Reconnecting to the remote via box (attempt 2)' };
const remoteReady: Partial<DesktopState> = { mode: 'remote', phase: 'ready', statusText: 'Connected to the remote via box' };

describe('notification policy', () => {
  it('stays silent for a blip shorter than 10 s', () => {
    const t = setup();
    expect(t.observe(remoteReady)).toEqual([]);
    expect(t.observe(reconnecting)).toEqual([]);
    expect(t.policy.nextCheckInMs()).toBe(LASTING_MS);
    t.advance(9_000);
    expect(t.policy.poll()).toEqual([]);
    expect(t.observe(remoteReady)).toEqual([]);
    expect(t.policy.nextCheckInMs()).toBeNull();
    t.advance(5_000);
    expect(t.policy.poll()).toEqual([]);
  });

  it('notifies a drop that lasts 10 s, once, then its recovery', () => {
    const t = setup();
    t.observe(remoteReady);
    t.observe(reconnecting);
    t.advance(4_000);
    expect(t.policy.nextCheckInMs()).toBe(6_000);
    t.advance(6_000);
    const [drop, ...more] = t.policy.poll();
    expect(more).toEqual([]);
    expect(drop).toMatchObject({ title: 'Clawdbot is disconnected', view: 'health' });
    expect(drop?.body).toContain('Reconnecting to the remote via box');
    expect(drop?.body).toContain('Reconnect now');
    // Still down: no repeats, however many states arrive.
    t.advance(30_000);
    expect(t.observe({ ...reconnecting, statusText: 'Reconnecting to the remote via box (attempt 5)' })).toEqual([]);
    expect(t.policy.poll()).toEqual([]);
    expect(t.policy.nextCheckInMs()).toBeNull();
    const back = t.observe(remoteReady);
    expect(back).toEqual([{ title: 'Clawdbot is connected again', body: 'Connected to the remote via box.', view: 'chat' }]);
    // The next drop is a new episode.
    t.observe(reconnecting);
    expect(t.policy.nextCheckInMs()).toBe(LASTING_MS);
  });

  it('counts a drop through connecting and reconnecting phases as one', () => {
    const t = setup();
    t.observe(remoteReady);
    t.observe(reconnecting);
    t.advance(5_000);
    t.observe({ mode: 'remote', phase: 'connecting' });
    t.advance(5_000);
    expect(t.observe(reconnecting)).toHaveLength(1);
  });

  it('a state observed after the deadline reports the drop itself', () => {
    const t = setup();
    t.observe({ phase: 'degraded', statusText: 'Degraded: the local gateway missed 2 health checks' });
    t.advance(LASTING_MS + 1);
    expect(t.observe({ phase: 'degraded', statusText: 'Degraded: the local gateway missed 3 health checks' })).toEqual([
      expect.objectContaining({ title: 'Clawdbot gateway is not responding', body: expect.stringContaining('missed 3') }),
    ]);
  });

  it('a failed state tells its hint', () => {
    const t = setup();
    t.observe({ phase: 'failed', statusText: 'Failed: the gateway crashed 5 times', lastError: { errorClass: 'GatewayCrashLoop', message: 'the gateway crashed 5 times', hint: 'See View logs for the last lines.', retryable: false } });
    t.advance(LASTING_MS);
    expect(t.policy.poll()).toEqual([{ title: 'Clawdbot stopped connecting', body: 'Failed: the gateway crashed 5 times. See View logs for the last lines.', view: 'health' }]);
  });

  it('is silent when the user switches modes or quits', () => {
    const t = setup();
    t.observe(remoteReady);
    t.observe(reconnecting);
    t.advance(5_000);
    t.observe({ mode: 'local', phase: 'starting' }); // the user chose Local
    t.advance(20_000);
    expect(t.policy.poll()).toEqual([]);
    t.observe({ mode: 'local', phase: 'degraded' });
    t.advance(3_000);
    t.observe({ mode: 'local', phase: 'stopping' }); // quitting
    t.advance(20_000);
    expect(t.policy.poll()).toEqual([]);
    expect(t.observe({ mode: 'local', phase: 'ready' })).toEqual([]);
  });

  it('tells at once what needs the user: auth, once per error', () => {
    const t = setup();
    const authFailed: Partial<DesktopState> = {
      mode: 'remote', phase: 'failed', statusText: 'Failed: the gateway refused the token',
      lastError: { errorClass: 'AuthFailed', message: 'The gateway refused the token.', hint: 'Enter the token from the remote clawdbot.json in Settings.', retryable: false },
    };
    expect(t.observe(authFailed)).toEqual([
      { title: 'Clawdbot needs you', body: 'The gateway refused the token. Enter the token from the remote clawdbot.json in Settings.', view: 'settings' },
    ]);
    expect(t.observe(authFailed)).toEqual([]);
    t.advance(LASTING_MS * 3);
    expect(t.policy.poll()).toEqual([]); // no second notice for the same trouble
    expect(t.observe(remoteReady)).toEqual([expect.objectContaining({ title: 'Clawdbot is connected again' })]);
    expect(t.observe(authFailed)).toHaveLength(1); // it came back: tell again
  });

  it('tells at once about a host key prompt, with the fingerprint, and not twice', () => {
    const t = setup();
    const prompt: Partial<DesktopState> = {
      mode: 'remote', phase: 'connecting',
      hostKeyPrompt: { id: 'hk1', host: 'box', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:new', kind: 'changed', previousFingerprint: 'SHA256:old' },
      lastError: { errorClass: 'HostKeyChanged', message: 'The host key for box changed.', hint: 'Compare the fingerprints.', retryable: false },
    };
    const notices = t.observe(prompt);
    expect(notices).toEqual([expect.objectContaining({ title: 'The host key for box changed', view: 'settings' })]);
    expect(notices[0]?.body).toContain('SHA256:new');
    expect(t.observe(prompt)).toEqual([]);
    expect(t.observe({ ...prompt, hostKeyPrompt: { id: 'hk2', host: 'jump', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:j', kind: 'unknown' }, lastError: null })).toEqual([
      expect.objectContaining({ title: 'New host: jump' }),
    ]);
  });

  it('ignores trouble while unconfigured', () => {
    const t = setup();
    t.observe({ mode: 'unconfigured', phase: 'failed' });
    t.advance(LASTING_MS * 2);
    expect(t.policy.poll()).toEqual([]);
  });
});
