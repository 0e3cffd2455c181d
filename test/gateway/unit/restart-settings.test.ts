// A new config keeps the running values of the settings that only a restart applies, and names them.
import { describe, expect, it } from 'vitest';
import { keepRunningSettings } from '../../../src/gateway/restart-settings';

describe('keepRunningSettings', () => {
  it('keeps the running port, bind and tls, names them, and takes everything else', () => {
    const running = { gateway: { port: 28789, auth: { token: 'old' } }, logging: { file: '/tmp/a.log' } };
    const next = { gateway: { port: 19000, bind: 'lan', tls: { enabled: true }, auth: { token: 'new' } }, logging: { file: '/tmp/a.log' }, models: { providers: {} } };
    const { config, needsRestart } = keepRunningSettings(next, running);
    expect(needsRestart).toEqual(['gateway.port', 'gateway.bind', 'gateway.tls']);
    expect(config).toEqual({ gateway: { port: 28789, auth: { token: 'new' } }, logging: { file: '/tmp/a.log' }, models: { providers: {} } });
    expect(next.gateway.port).toBe(19000);
  });

  it('restores a restart-only setting that the new file removed', () => {
    const { config, needsRestart } = keepRunningSettings({ agents: {} }, { gateway: { port: 28789 } });
    expect(needsRestart).toEqual(['gateway.port']);
    expect(config).toEqual({ agents: {}, gateway: { port: 28789 } });
  });

  it('names nothing when only per-use settings changed', () => {
    expect(keepRunningSettings({ gateway: { port: 1, trustedProxies: ['10.0.0.1'] } }, { gateway: { port: 1 } }).needsRestart).toEqual([]);
  });
});
