// The tunnel loads ssh2's client side part by part (not the package index with its server and HTTP
// agents); what it gets must be ssh2's own classes and functions, and target resolution running
// meanwhile (the CLI overlaps the two) must resolve exactly as it does alone.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/tunnel/ssh-config';
import { loadSsh2 } from '../../src/tunnel/ssh2-loader';
import { generateKeyPair } from '../support/ssh-server';
import { scratchFile } from './helpers/engine';

const require = createRequire(import.meta.url);

describe('loadSsh2', () => {
  it("returns ssh2's own Client, BaseAgent, createAgent and parseKey, once", async () => {
    const index = require('ssh2') as typeof Ssh2;
    const loading = loadSsh2();
    expect(loadSsh2()).toBe(loading);
    const ssh2 = await loading;
    expect(ssh2.Client).toBe(index.Client);
    expect(ssh2.BaseAgent).toBe(index.BaseAgent);
    expect(ssh2.createAgent).toBe(index.createAgent);
    expect(ssh2.utils.parseKey).toBe(index.utils.parseKey);
    const key = ssh2.utils.parseKey(generateKeyPair('ed25519').privateKey);
    expect(key instanceof Error).toBe(false);
  });

  it('leaves target resolution unchanged when both run at once', async () => {
    const config = scratchFile('ssh_config', 'Host box\n  HostName 10.1.2.3\n  User alice\n  Port 2222\n  ProxyJump jump\nHost jump\n  HostName 10.9.9.9\n  User bob\n');
    const options = { sshConfigPath: config, useOpenSsh: false as const, env: { HOME: '/home/alice' } };
    const alone = await resolveTarget('box', options);
    const [together] = await Promise.all([resolveTarget('box', options), loadSsh2()]);
    expect(together).toEqual(alone);
    expect(together).toMatchObject({ hostName: '10.1.2.3', user: 'alice', port: 2222, jumps: [{ hostName: '10.9.9.9', user: 'bob' }] });
  });
});
