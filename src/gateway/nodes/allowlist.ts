// Which node commands the gateway lets operators invoke (spec §9.7): a per-platform allowlist, plus
// gateway.nodes.allowCommands, minus gateway.nodes.denyCommands.

const SYSTEM = ['system.run', 'system.which', 'system.notify', 'system.execApprovals.get', 'system.execApprovals.set', 'browser.proxy'];
const CANVAS = ['canvas.present', 'canvas.hide', 'canvas.navigate', 'canvas.eval', 'canvas.snapshot', 'canvas.a2ui.push', 'canvas.a2ui.pushJSONL', 'canvas.a2ui.reset'];
const DEVICE = ['camera.list', 'camera.snap', 'camera.clip', 'screen.record', 'location.get'];

const BY_PLATFORM: Record<string, readonly string[]> = {
  linux: SYSTEM,
  windows: SYSTEM,
  macos: [...SYSTEM, ...CANVAS, ...DEVICE],
  ios: [...CANVAS, ...DEVICE],
  android: [...CANVAS, ...DEVICE, 'sms.send'],
};

export function platformFamily(platform: string | undefined): string {
  const p = (platform ?? '').toLowerCase();
  if (p.startsWith('darwin') || p.startsWith('mac')) return 'macos';
  if (p.startsWith('ios') || p.startsWith('ipados')) return 'ios';
  if (p.startsWith('android')) return 'android';
  if (p.startsWith('win')) return 'windows';
  return 'linux';
}

export function allowedCommands(platform: string | undefined, extra: { allowCommands: string[]; denyCommands: string[] }): Set<string> {
  const set = new Set([...(BY_PLATFORM[platformFamily(platform)] ?? SYSTEM), ...extra.allowCommands]);
  for (const c of extra.denyCommands) set.delete(c);
  return set;
}

export type CommandCheck = { ok: true } | { ok: false; reason: 'command not allowlisted' | 'command not declared by node' };

export function checkNodeCommand(command: string, declared: readonly string[], allowlist: ReadonlySet<string>): CommandCheck {
  if (!allowlist.has(command)) return { ok: false, reason: 'command not allowlisted' };
  if (!declared.includes(command)) return { ok: false, reason: 'command not declared by node' };
  return { ok: true };
}
