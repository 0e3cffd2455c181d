// Our ssh_config reader must agree with OpenSSH: for every alias, the settings it computes equal what
// `ssh -G -F <the same temp config>` prints, and resolveTarget gives the same hops either way.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateConfig } from '../../../src/tunnel/ssh-config/config-evaluator';
import { localIdentity } from '../../../src/tunnel/ssh-config/local-identity';
import { resolveWithOpenSsh } from '../../../src/tunnel/ssh-config/openssh-resolver';
import { parseTargetSpec } from '../../../src/tunnel/ssh-config/target-spec';
import { resolveTarget } from '../../../src/tunnel/ssh-config';
import type { ResolvedTarget } from '../../../src/tunnel/types';
import { hasOpenSsh, passwdEnv, tempConfigDir, type TempConfigDir } from './temp-config';

let tmp: TempConfigDir;
let configPath: string;
const localUser = os.userInfo().username;

beforeAll(() => {
  tmp = tempConfigDir();
  tmp.write('conf.d/10-first.conf', 'Host included\n  HostName inc.example.com\n  User incuser\nHost firstwins\n  User fromInclude\n');
  tmp.write('conf.d/20-second.conf', 'Host included2\n  User inc2\n');
  tmp.write('conf.d/.hidden.conf', 'Host included2\n  User hidden\n');
  tmp.write('conf.d/30-not-matched.txt', 'Host included2\n  User txt\n');
  configPath = tmp.write('config', `
# Settings before any Host apply to every host.
ServerAliveCountMax 4
Include ${tmp.dir}/conf.d/*.conf

Host box
  HostName box.example.com
  User alice
  Port 2200
  IdentityFile ~/.ssh/id_box_%h_%p_%r
  IdentityFile "%d/keys/%u_%n"
  IdentitiesOnly yes
  IdentityAgent ~/agent_%h.sock
  ProxyJump bob@jump1:2022,jump2
  ServerAliveInterval 7
  ConnectTimeout 9
  UserKnownHostsFile ~/kh1 /tmp/kh_%h_%p %d/kh3_%k
  GlobalKnownHostsFile /g1 /g2
  StrictHostKeyChecking accept-new
  HostKeyAlias BoxAlias
  HashKnownHosts yes

Host jump1
  HostName j1.example.com
  User jumper
  IdentityAgent none
  StrictHostKeyChecking=no

Host jump2 jump2b
  HostName j2.%h.example.com
  ProxyJump none
  StrictHostKeyChecking yes

Host *.corp !secret.corp
  User corpuser
  Port 2022
Host secret.corp
  User spy

Host web?
  User webq
Host web*
  User webstar
  ServerAliveInterval 1m30s # a comment after the value

Host firstwins
  Port 1111
Host firstwins
  Port 2222
  User one

Host finalhost
  HostName final.example.com
Host final.example.com
  IdentityFile ~/.ssh/only_in_final_pass

Host *
  User fallback

Match originalhost mhost user admin
  HostName matched-admin.example.com
Match host matched-admin.example.com
  Port 3333
Match originalhost mhost !user admin
  HostName matched-other.example.com
Match localuser ${localUser} originalhost localmatch
  IdentityAgent SSH_AUTH_SOCK
Match exec "false" originalhost execer
  Port 4444
Match final originalhost finalhost
  Port 5555
Match all
  ServerAliveInterval 11
`);
});
afterAll(() => tmp.remove());

const TARGETS = [
  'box', 'jump1', 'bob@jump1:2022', 'jump2', 'jump2b', 'x.corp', 'secret.corp', 'web1', 'webfoo', 'firstwins',
  'included', 'included2', 'mhost', 'admin@mhost', 'localmatch', 'execer', 'finalhost', 'plainhost',
  'carol@plainhost:2020', '10.1.2.3', '::1', 'ssh://dave@box:2201',
];

describe.skipIf(!hasOpenSsh)('ssh_config reader vs ssh -G', () => {
  it.each(TARGETS)('computes the same settings as ssh -G for %s', async (target) => {
    const spec = parseTargetSpec(target);
    const query = { host: spec.host, ...(spec.user ? { user: spec.user } : {}), ...(spec.port ? { port: spec.port } : {}) };
    const fromOpenSsh = await resolveWithOpenSsh({ ...query, configPath, env: passwdEnv });
    const ours = evaluateConfig({
      hostArg: spec.host,
      ...(spec.user ? { user: spec.user } : {}),
      ...(spec.port ? { port: spec.port } : {}),
      files: [{ path: configPath, kind: 'user', required: true }],
      local: localIdentity(passwdEnv),
      env: passwdEnv,
      onWarning: () => undefined,
    });
    expect(ours.options).toEqual(fromOpenSsh);
  });

  it.each(TARGETS)('resolves %s to the same hops with and without OpenSSH', async (target) => {
    const strip = ({ source: _source, ...rest }: ResolvedTarget) => rest;
    const viaSsh = await resolveTarget(target, { sshConfigPath: configPath, env: passwdEnv, useOpenSsh: true });
    const viaReader = await resolveTarget(target, { sshConfigPath: configPath, env: passwdEnv, useOpenSsh: false });
    expect(viaSsh.source).toBe('ssh -G');
    expect(viaReader.source).toBe('ssh_config');
    expect(strip(viaReader)).toEqual(strip(viaSsh));
  });
});

describe.skipIf(!hasOpenSsh)('ssh_config reader vs ssh -G without a final pass', () => {
  let second: string;
  beforeAll(() => {
    tmp.write('conditional.conf', 'User fromconditional\nPort 2121\n');
    second = tmp.write('config2', `
Host cond
  Include ${tmp.dir}/conditional.conf
Host !neg
  ServerAliveCountMax 9
Host neg
  ServerAliveCountMax 2
Host UPPER
  HostName Mixed.Example.COM
Match host Mixed.Example.COM
  Port 2323
Match canonical
  Port 2424
Host tokens
  IdentityFile=/ids/%C_%L_%l_%i_%%
  IdentityAgent "\${HOME}/agent dir/%r.sock"
  User=tok
Match user tok
  ConnectTimeout 1h
Host agentvar
  IdentityAgent $SSH_AUTH_SOCK
  UserKnownHostsFile none
  StrictHostKeyChecking off
`);
  });

  it.each(['cond', 'neg', 'other', 'UPPER', 'upper', 'tokens', 'agentvar'])('computes the same settings as ssh -G for %s', async (target) => {
    const fromOpenSsh = await resolveWithOpenSsh({ host: target, configPath: second, env: passwdEnv });
    const ours = evaluateConfig({
      hostArg: target, files: [{ path: second, kind: 'user', required: true }], local: localIdentity(passwdEnv), env: passwdEnv, onWarning: () => undefined,
    });
    expect(ours.options).toEqual(fromOpenSsh);
    const viaReader = await resolveTarget(target, { sshConfigPath: second, env: passwdEnv, useOpenSsh: false });
    const viaSsh = await resolveTarget(target, { sshConfigPath: second, env: passwdEnv, useOpenSsh: true });
    expect({ ...viaReader, source: '' }).toEqual({ ...viaSsh, source: '' });
  });
});

describe.skipIf(!hasOpenSsh)('what the parity config resolves to', () => {
  it('resolves an alias with a two-hop ProxyJump, each hop as its own alias', async () => {
    const home = passwdEnv.HOME as string;
    const r = await resolveTarget('box', { sshConfigPath: configPath, env: passwdEnv, useOpenSsh: true });
    expect(r).toMatchObject({
      alias: 'box', hostName: 'box.example.com', user: 'alice', port: 2200, identitiesOnly: true,
      identityFiles: [`${home}/.ssh/id_box_box.example.com_2200_alice`, `${home}/keys/${localUser}_box`],
      identityAgent: `${home}/agent_box.example.com.sock`,
      userKnownHostsFiles: [`${home}/kh1`, '/tmp/kh_box.example.com_2200', `${home}/kh3_boxalias`],
      globalKnownHostsFiles: ['/g1', '/g2'],
      strictHostKeyChecking: 'accept-new', hostKeyAlias: 'boxalias', hashKnownHosts: true,
      connectTimeoutMs: 9000, serverAliveIntervalMs: 7000, serverAliveCountMax: 4,
    });
    expect(r.jumps.map((j) => [j.alias, j.user, j.hostName, j.port, j.strictHostKeyChecking, j.identityAgent])).toEqual([
      ['jump1', 'bob', 'j1.example.com', 2022, 'no', null],
      ['jump2', 'fallback', 'j2.jump2.example.com', 22, 'yes', undefined],
    ]);
  });

  it('applies first-value-wins across Include, wildcards, negation and Match', async () => {
    const get = (t: string) => resolveTarget(t, { sshConfigPath: configPath, env: passwdEnv, useOpenSsh: false });
    expect((await get('firstwins')).user).toBe('fromInclude');
    expect((await get('firstwins')).port).toBe(1111);
    expect((await get('included2')).user).toBe('inc2');
    expect((await get('x.corp'))).toMatchObject({ user: 'corpuser', port: 2022 });
    expect((await get('secret.corp'))).toMatchObject({ user: 'spy', port: 22 });
    expect((await get('web1')).user).toBe('webq');
    expect((await get('webfoo'))).toMatchObject({ user: 'webstar', serverAliveIntervalMs: 90_000 });
    expect((await get('admin@mhost'))).toMatchObject({ hostName: 'matched-admin.example.com', port: 3333 });
    expect((await get('mhost')).hostName).toBe('matched-other.example.com');
    expect((await get('finalhost'))).toMatchObject({ port: 5555, serverAliveIntervalMs: 11_000 });
    expect((await get('finalhost')).identityFiles[0]).toMatch(/only_in_final_pass$/);
    expect((await get('carol@plainhost:2020'))).toMatchObject({ user: 'carol', port: 2020, serverAliveIntervalMs: 11_000 });
  });
});
