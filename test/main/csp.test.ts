import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, gatewayPortsOf } from '../../src/main/csp';
import { makeState } from './fake-core';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));
}

describe('Content-Security-Policy', () => {
  it('allows scripts only from our own files, and no inline scripts or eval', () => {
    const d = directives(buildContentSecurityPolicy([18789]));
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(buildContentSecurityPolicy([18789])).not.toMatch(/script-src[^;]*unsafe/);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets the page connect only to itself and the gateway loopback port', () => {
    expect(directives(buildContentSecurityPolicy([18789])).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:18789', 'http://127.0.0.1:18789']);
    expect(directives(buildContentSecurityPolicy([])).get('connect-src')).toEqual(["'self'"]);
    expect(directives(buildContentSecurityPolicy([0, 70000, 1.5, 19001, 19001])).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:19001', 'http://127.0.0.1:19001']);
  });

  it('takes the port from the endpoint URL', () => {
    expect(gatewayPortsOf(makeState({ endpointUrl: 'ws://127.0.0.1:19001' }))).toEqual([19001]);
    expect(gatewayPortsOf(makeState({ endpointUrl: null }))).toEqual([]);
    expect(gatewayPortsOf(makeState({ endpointUrl: 'ws://evil.example:80' }))).toEqual([]);
  });
});
