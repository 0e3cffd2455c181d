// What users type as a target: accepted forms, and garbage or option injection refused before ssh runs.
import { describe, expect, it } from 'vitest';
import { ClawdbotError } from '../../../src/shared/errors';
import { parseTargetSpec } from '../../../src/tunnel/ssh-config';

describe('parseTargetSpec', () => {
  it.each([
    ['box', { host: 'box' }],
    ['alice@box.example.com', { user: 'alice', host: 'box.example.com' }],
    ['alice@box:2222', { user: 'alice', host: 'box', port: 2222 }],
    ['box:2222', { host: 'box', port: 2222 }],
    ['[::1]:2222', { host: '::1', port: 2222 }],
    ['bob@[fe80::1%eth0]:22', { user: 'bob', host: 'fe80::1%eth0', port: 22 }],
    ['::1', { host: '::1' }],
    ['ssh://alice@box:2200', { user: 'alice', host: 'box', port: 2200 }],
    ['ssh://box/', { host: 'box' }],
    ['ssh://a%40corp@box', { user: 'a@corp', host: 'box' }],
    ['first.last@corp@box', { user: 'first.last@corp', host: 'box' }],
    ['  10.0.0.5  ', { host: '10.0.0.5' }],
  ])('parses %s', (input, expected) => {
    expect(parseTargetSpec(input)).toEqual(expected);
  });

  it.each([
    [''],
    ['   '],
    ['-oProxyCommand=touch /tmp/pwned'],
    ['alice@-oProxyCommand=x'],
    ['-F/etc/passwd'],
    ['-user@box'],
    ['box:0'],
    ['box:65536'],
    ['box:22x'],
    ['box:'],
    ['@box'],
    ['alice@'],
    ['box name'],
    ['box;rm -rf ~'],
    ['$(reboot)'],
    ['*.example.com'],
    ['[::1'],
    ['[::1]x'],
    ['ssh://box/path'],
    ['a,b'],
  ])('refuses %j with an SshConfig error and a hint', (input) => {
    let caught: unknown;
    try {
      parseTargetSpec(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ClawdbotError);
    expect((caught as ClawdbotError).errorClass).toBe('SshConfig');
    expect((caught as ClawdbotError).hint.length).toBeGreaterThan(10);
  });
});
