// The diagnostics bundle "Copy diagnostics" puts on the clipboard: versions, mode, the resolved SSH
// settings without secrets, the host key fingerprint, the last 100 transitions, health and a log tail.
// Everything passes through the Redactor last, so a secret that slipped into a message is still hidden.

import type { DesktopState, LogLine } from '../shared/desktop-api';
import type { Settings } from '../shared/settings';
import type { Redactor } from './redactor';

export interface DiagnosticsInput {
  state: DesktopState;
  settings: Settings;
  ssh: Record<string, unknown> | null;
  logs: LogLine[];
  paths: { stateDir: string; configPath: string; settingsFile: string; logFile: string };
  platform: string;
  nodeVersion: string;
  /** Said first, e.g. that the bundle was made by the CLI from what the app saved. */
  notes?: string[];
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

export function buildDiagnostics(input: DiagnosticsInput, redactor: Redactor): string {
  const { state, settings } = input;
  const lines: string[] = [];
  const section = (title: string): void => void lines.push('', `## ${title}`);
  lines.push('# Clawdbot Desktop diagnostics', `generated: ${new Date().toISOString()}`);
  for (const note of input.notes ?? []) lines.push(`note: ${note}`);
  section('Versions');
  lines.push(`app: ${state.version}`, `node: ${input.nodeVersion}`, `platform: ${input.platform}`, `gateway: ${state.health?.gatewayVersion ?? 'unknown'}`);
  section('Mode');
  lines.push(`mode: ${state.mode}`, `phase: ${state.phase}`, `status: ${state.statusText}`, `endpoint: ${state.endpointUrl ?? 'none'}`, `gateway connected: ${state.gatewayConnected}`);
  if (state.lastError) lines.push(`last error: [${state.lastError.errorClass}] ${state.lastError.message}`, `hint: ${state.lastError.hint}`);
  for (const w of state.warnings) lines.push(`warning: ${w}`);
  lines.push(`config file: ${input.paths.configPath}`, `state dir: ${input.paths.stateDir}`, `settings file: ${input.paths.settingsFile}`, `log file: ${input.paths.logFile}`);
  if (state.local) lines.push(`local gateway: port ${state.local.port}, ${state.local.adopted ? 'adopted, ' : ''}pid ${state.local.pid ?? 'none'}, restarts ${state.local.restarts}`);
  section('Remote (SSH)');
  lines.push(
    `target: ${settings.remote.target || '(none)'}`,
    `identity file: ${settings.remote.identityFile || '(default)'}`,
    `remote port: ${settings.remote.remotePort}, local port: ${settings.remote.localPort ?? settings.remote.remotePort}`,
    `host key policy: ${settings.remote.hostKeyPolicy}`,
    `gateway token set: ${settings.hasGatewayToken}, password set: ${settings.hasGatewayPassword}, key passphrase set: ${settings.hasKeyPassphrase}`,
  );
  if (state.remote) {
    lines.push(`resolved: ${state.remote.resolvedDescription}`, `tunnel: ${state.remote.tunnelState}`, `host key fingerprint: ${state.remote.hostKeyFingerprint ?? 'unknown'}`);
    for (const f of state.remote.forwards) lines.push(`forward ${f.name}: 127.0.0.1:${f.localPort} -> ${f.remoteHost}:${f.remotePort} (${f.state}${f.error ? `: ${f.error}` : ''})`);
  }
  if (input.ssh) lines.push(`resolved settings: ${JSON.stringify(input.ssh)}`);
  section('Health');
  if (state.health) {
    const h = state.health;
    lines.push(`ok: ${h.ok}, checked: ${iso(h.checkedAt)}, latency: ${h.latencyMs ?? '-'} ms, misses: ${h.consecutiveMisses}`, `uptime: ${h.uptimeMs ?? '-'} ms, sessions: ${h.sessionCount ?? '-'}`);
  } else lines.push('no health check yet');
  section(`Transitions (last ${state.transitions.length})`);
  for (const t of state.transitions) lines.push(`${iso(t.at)} ${t.mode}/${t.phase}: ${t.reason}`);
  section(`Log tail (${input.logs.length} lines)`);
  for (const l of input.logs) lines.push(`${iso(l.ts)} [${l.source}] ${l.level}: ${l.text}`);
  return redactor.redact(`${lines.join('\n')}\n`);
}
