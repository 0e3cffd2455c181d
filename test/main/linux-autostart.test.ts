import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartEntry, autostartFile, quoteExec, setLinuxAutostart } from '../../src/main/linux-autostart';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Linux start at login', () => {
  it('writes an XDG autostart entry that starts hidden, and removes it', () => {
    const home = mkdtempSync(join(tmpdir(), 'clawdbot-autostart-'));
    dirs.push(home);
    const env = { HOME: home };
    const file = autostartFile(env);
    expect(file).toBe(join(home, '.config', 'autostart', 'clawdbot.desktop'));
    setLinuxAutostart(true, '/opt/Clawdbot/clawdbot', env);
    expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Clawdbot/clawdbot" --hidden\n');
    setLinuxAutostart(false, '/opt/Clawdbot/clawdbot', env);
    expect(existsSync(file)).toBe(false);
    setLinuxAutostart(false, '/opt/Clawdbot/clawdbot', env); // already off: fine
  });

  it('honours XDG_CONFIG_HOME', () => {
    expect(autostartFile({ HOME: '/home/a', XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/autostart/clawdbot.desktop');
  });

  it('quotes the executable as the Desktop Entry spec asks', () => {
    expect(quoteExec('/home/a b/Clawdbot.AppImage')).toBe('"/home/a b/Clawdbot.AppImage"');
    expect(quoteExec('/x/$HOME"`100%')).toBe('"/x/\\\\$HOME\\\\"\\\\`100%%"');
    expect(quoteExec('/x\\y')).toBe('"/x\\\\\\\\y"');
    expect(autostartEntry('/a')).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Clawdbot\n/);
  });
});
