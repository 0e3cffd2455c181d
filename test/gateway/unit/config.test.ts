import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateConfigFile } from '../../../src/config/file';
import { authStartupProblem, resolveGatewayPort, resolveServerAuth } from '../../../src/config/gateway-settings';
import { REDACTED, redactRawText, redactSecrets, restoreRedacted } from '../../../src/config/redact';
import { ConfigError, validateConfig } from '../../../src/config/schema';

describe('port precedence', () => {
  const config = { gateway: { port: 20000 } };
  it('--port > CLAWDBOT_GATEWAY_PORT > gateway.port > 18789', () => {
    expect(resolveGatewayPort(config, { CLAWDBOT_GATEWAY_PORT: '20001' }, '20002')).toEqual({ port: 20002, source: 'flag' });
    expect(resolveGatewayPort(config, { CLAWDBOT_GATEWAY_PORT: '20001' })).toEqual({ port: 20001, source: 'env' });
    expect(resolveGatewayPort(config, {})).toEqual({ port: 20000, source: 'config' });
    expect(resolveGatewayPort({}, {})).toEqual({ port: 18789, source: 'default' });
    expect(resolveGatewayPort({}, {}, '0')).toEqual({ port: 0, source: 'flag' });
  });
  it('rejects nonsense with the name of the setting', () => {
    expect(() => resolveGatewayPort({}, {}, 'abc')).toThrow('Invalid --port "abc"');
    expect(() => resolveGatewayPort({}, { CLAWDBOT_GATEWAY_PORT: '70000' })).toThrow('CLAWDBOT_GATEWAY_PORT');
  });
});

describe('server auth resolution', () => {
  it('flag > config > env; mode from config, else password when one exists, else token', () => {
    expect(resolveServerAuth({ gateway: { auth: { token: 'cfg' } } }, { CLAWDBOT_GATEWAY_TOKEN: 'env' }, { token: 'flag' })).toMatchObject({ mode: 'token', token: 'flag' });
    expect(resolveServerAuth({ gateway: { auth: { token: 'cfg' } } }, { CLAWDBOT_GATEWAY_TOKEN: 'env' })).toMatchObject({ token: 'cfg' });
    expect(resolveServerAuth({}, { CLAWDBOT_GATEWAY_TOKEN: 'env' })).toMatchObject({ token: 'env' });
    expect(resolveServerAuth({}, { CLAWDBOT_GATEWAY_PASSWORD: 'pw' })).toMatchObject({ mode: 'password', password: 'pw' });
    expect(resolveServerAuth({ gateway: { auth: { mode: 'token', password: 'pw' } } }, {})).toMatchObject({ mode: 'token' });
    expect(resolveServerAuth({}, {}, { mode: 'password', password: 'p' })).toMatchObject({ mode: 'password' });
  });
  it('allowTailscale defaults on only for tailscale serve without password mode', () => {
    expect(resolveServerAuth({ gateway: { tailscale: { mode: 'serve' }, auth: { token: 't' } } }, {}).allowTailscale).toBe(true);
    expect(resolveServerAuth({ gateway: { tailscale: { mode: 'serve' }, auth: { password: 'p' } } }, {}).allowTailscale).toBe(false);
    expect(resolveServerAuth({}, {}).allowTailscale).toBe(false);
  });
  it('names the startup refusals exactly', () => {
    expect(authStartupProblem({ mode: 'token', allowTailscale: false })).toBe(
      'gateway auth mode is token, but no token was configured (set gateway.auth.token or CLAWDBOT_GATEWAY_TOKEN)',
    );
    expect(authStartupProblem({ mode: 'password', allowTailscale: false })).toBe('gateway auth mode is password, but no password was configured');
    expect(authStartupProblem({ mode: 'token', token: 't', allowTailscale: false })).toBeNull();
  });
});

describe('config validation', () => {
  it('names every bad key of the sections we model and keeps the others', () => {
    const issues = validateConfig({
      gateway: { port: 0, bind: 'wide', auth: { token: 5 }, nope: true, constructor: 1 },
      logging: { level: 'loud' },
      models: { providers: { p: { models: [{ id: 3 }] } } },
      agents: { defaults: { anything: 1 } },
      channels: { whatever: true },
    });
    expect(issues).toEqual([
      { path: 'gateway.port', message: 'must be an integer from 1 to 65535' },
      { path: 'gateway.bind', message: 'must be one of "loopback", "lan", "tailnet", "auto", "custom"' },
      { path: 'gateway.auth.token', message: 'must be a string' },
      { path: 'gateway.nope', message: 'unknown key' },
      { path: 'gateway.constructor', message: 'unknown key' },
      { path: 'logging.level', message: 'must be one of "silent", "fatal", "error", "warn", "info", "debug", "trace"' },
      { path: 'models.providers.p.models[0].id', message: 'must be a string' },
    ]);
  });
  it('ConfigError names the file', () => {
    const err = new ConfigError('/x/clawdbot.json', [{ path: 'gateway.bind', message: 'must be …' }]);
    expect(err.message).toBe('Invalid config /x/clawdbot.json:\n- gateway.bind: must be …');
  });
});

describe('redaction', () => {
  const config = { gateway: { auth: { token: 'tok-123456', password: 'pw-secret' }, remote: { token: 'remote-tok' } }, models: { providers: { p: { apiKey: 'sk-abc', baseUrl: 'http://x' } } }, agents: { defaults: { maxTokens: 5 } } };

  it('replaces every secret with the marker and keeps the rest', () => {
    const r = redactSecrets(config);
    expect(r.gateway.auth).toEqual({ token: REDACTED, password: REDACTED });
    expect(r.gateway.remote.token).toBe(REDACTED);
    expect(r.models.providers.p).toEqual({ apiKey: REDACTED, baseUrl: 'http://x' });
    expect(r.agents.defaults.maxTokens).toBe(5);
    expect(JSON.stringify(r)).not.toMatch(/tok-123456|pw-secret|sk-abc|remote-tok/);
  });

  it('scrubs secrets out of raw JSON5 text', () => {
    const raw = "{ gateway: { auth: { token: 'tok-123456' } }, // pw-secret is not here\n models: { providers: { p: { apiKey: \"sk-abc\" } } } }";
    const out = redactRawText(raw, config);
    expect(out).not.toMatch(/tok-123456|pw-secret|sk-abc/);
    expect(out).toContain(REDACTED);
  });

  it('a write that sends the marker back keeps the stored secret; a marker where none is stored is an error', () => {
    const incoming = { gateway: { auth: { token: REDACTED, password: 'new-pw' } } };
    expect(restoreRedacted(incoming, config)).toEqual({ gateway: { auth: { token: 'tok-123456', password: 'new-pw' } } });
    expect(() => restoreRedacted({ gateway: { auth: { secret: REDACTED } } }, config)).toThrow('gateway.auth.secret');
  });
});

describe('config file rewrites', () => {
  it('keep a hand-edited JSON5 file (comments, unquoted keys) at <path>.bak, but not a plain JSON one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawdbot-config-'));
    try {
      const path = join(dir, 'clawdbot.json');
      const original = '// mine\n{ gateway: { port: 20000, }, }\n';
      writeFileSync(path, original);
      const kept: string[] = [];
      updateConfigFile(path, (c) => void (c.logging = { level: 'info' }), (b) => kept.push(b));
      expect(kept).toEqual([`${path}.bak`]);
      expect(readFileSync(`${path}.bak`, 'utf8')).toBe(original);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ gateway: { port: 20000 }, logging: { level: 'info' } });
      // Plain JSON loses nothing when rewritten: the backup of the hand-edited file stays as it was.
      updateConfigFile(path, (c) => void (c.gateway = { port: 20001 }), (b) => kept.push(b));
      expect(kept).toHaveLength(1);
      expect(readFileSync(`${path}.bak`, 'utf8')).toBe(original);
      const fresh = join(dir, 'fresh.json');
      updateConfigFile(fresh, (c) => void (c.gateway = {}));
      expect(existsSync(`${fresh}.bak`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
