// createDesktopCore: the tray app's brain, in plain Node. The Electron shell and the browser twin hand
// it their ports (secrets, settings storage, gateway spawner) and talk to it only through call(), on()
// and kick(); every input has already been parsed with its DESKTOP_CALLS parser at their boundary.

import type { DesktopCallInput, DesktopCallName, DesktopCallResults, DesktopEventName, DesktopEventPayloads } from '../shared/desktop-api';
import { ClawdbotError } from '../shared/errors';
import type { Settings, SettingsPatch } from '../shared/settings';
import { VERSION } from '../shared/version';
import { resolveConfigPath, resolveIdentityDir, resolveStateDir } from '../config/paths';
import { remoteGatewayCommand } from '../tunnel/remote-gateway';
import { ChatService } from './chat-service';
import { describeConfigPatch, patchForConfigChange } from './config-follow';
import { readConfigView } from './config-sync';
import { ConfigWatcher, type ConfigChange } from './config-watcher';
import { ConnectionController } from './connection-controller';
import { buildDiagnostics } from './diagnostics';
import { EventHub } from './event-hub';
import { clientProbe, clientSessionOpener } from './gateway-client-session';
import { LogBuffer, type LogSink } from './log-buffer';
import { LogFile } from './log-file';
import type { DesktopCore, DesktopPorts } from './ports';
import { Redactor } from './redactor';
import { readRemoteGatewayConfig, remoteGatewayStatus, startRemoteGateway, tailRemoteLog } from './remote-help';
import type { RemoteEngine } from './remote-link';
import { desktopLogFile, STORE_KEYS } from './settings-schema';
import { SettingsStore } from './settings-store';
import { StateSnapshotFile, stateSnapshotPath } from './state-snapshot';
import { StateStore } from './state-store';
import { tunnelRemoteEngine } from './remote-tunnel';
import { secretStorageWarning } from './secret-storage-warning';
import { runTestRemote } from './test-remote';
import { DEFAULT_TIMING, type DesktopTiming } from './timing';

export interface DesktopCoreOptions {
  /** Defaults: CLAWDBOT_STATE_DIR / CLAWDBOT_CONFIG_PATH from ports.env, else ~/.clawdbot. */
  stateDir?: string;
  configPath?: string;
  /** Intervals and timeouts; tests shorten them. */
  timing?: Partial<DesktopTiming>;
  /** The app's log file (default <stateDir>/desktop/logs/desktop.log, rotated). */
  logFile?: string;
  /** Start the stored mode at once (default true). */
  autoStart?: boolean;
  /** The SSH side (default: the tunnel engine of src/tunnel). */
  remote?: RemoteEngine;
}

export function createDesktopCore(ports: DesktopPorts, options: DesktopCoreOptions = {}): DesktopCore {
  const env = ports.env ?? process.env;
  const now = ports.now ?? Date.now;
  const stateDir = options.stateDir ?? resolveStateDir(env);
  const configPath = options.configPath ?? resolveConfigPath(env);
  const timing: DesktopTiming = { ...DEFAULT_TIMING, ...options.timing };
  const hub = new EventHub();
  const redactor = new Redactor();
  const logFile = new LogFile(options.logFile ?? desktopLogFile(stateDir));
  const logs = new LogBuffer(redactor, now, (line) => {
    logFile.write(line);
    hub.emit('log', line);
  });
  const log: LogSink = (level, text, source = 'app', ts) => logs.add(source, level, text, ts);
  const snapshot = new StateSnapshotFile(stateSnapshotPath(stateDir), now, (text) => redactor.redact(text));
  const state = new StateStore(VERSION, now, (s) => {
    hub.emit('state', s);
    snapshot.save(s);
  });
  // Nothing stored yet (neither a versioned nor a v0 settings file): the config file may seed us.
  const firstRun = ports.store.get(STORE_KEYS.version) === undefined && ports.store.get('mode') === undefined;
  const settings = new SettingsStore(ports.store, ports.secrets);
  importFromConfigFile();
  const hideSecrets = (): void => {
    redactor.add(settings.secret('gatewayToken'));
    redactor.add(settings.secret('gatewayPassword'));
    redactor.add(settings.secret('keyPassphrase'));
  };
  hideSecrets();
  const warnings: string[] = [...settings.warnings];
  const plainTextSecrets = secretStorageWarning(ports.secrets.describe());
  if (plainTextSecrets) warnings.push(plainTextSecrets);
  const warn = (w: string): void => {
    log('warn', w);
    if (!warnings.includes(w)) warnings.push(w);
    state.update({ warnings: [...warnings] });
  };
  /** The one warning about a config file the app cannot adopt (it does not parse, or holds an unusable value): replaced by the next problem, gone once a change is adopted. */
  let configWarning: string | null = null;
  const setConfigWarning = (error: string | null): void => {
    const shown = configWarning ? warnings.indexOf(configWarning) : -1;
    if (shown >= 0) warnings.splice(shown, 1);
    const had = configWarning !== null;
    configWarning = error && `The Clawdbot config file was not adopted: ${error}. The app keeps its current settings until the file is fixed.`;
    if (configWarning) return warn(configWarning);
    if (!had) return;
    log('info', `the Clawdbot config file ${configPath} can be adopted again`);
    state.update({ warnings: [...warnings] });
  };
  state.update({ warnings: [...warnings] });
  const configWatcher = new ConfigWatcher(
    configPath,
    timing.configPollMs,
    { onChange: followConfigFile, onParseError: setConfigWarning },
    { load: () => ports.store.get(STORE_KEYS.configFileSeen), save: (seen) => ports.store.set(STORE_KEYS.configFileSeen, seen) },
  );
  if (!firstRun) adoptChangesMadeWhileAway();

  const sessionOptions = {
    reconnect: { initialMs: timing.reconnectInitialMs, maxMs: timing.reconnectMaxMs },
    connectTimeoutMs: timing.probeTimeoutMs,
    requestTimeoutMs: timing.healthTimeoutMs,
    identityDir: resolveIdentityDir(env),
  };
  const remote = options.remote ?? tunnelRemoteEngine;
  const probe = clientProbe(sessionOptions);
  const chat = new ChatService((u) => hub.emit('chat', u), now, (level, text) => log(level, text), timing.chatRunTimeoutMs);
  const controller = new ConnectionController({
    settings, state, chat, redactor, env, stateDir, configPath, timing, now, log, warn, remote,
    openSession: clientSessionOpener(sessionOptions),
    probe,
    spawn: ports.spawnGateway,
    configWrites: {
      written: (snapshot) => configWatcher.ownWrite(snapshot),
      keptOriginal: (backup) => warn(`The app rewrote ${configPath} as plain JSON to save its gateway settings, so the file's comments are gone; the file as it was is kept in ${backup}.`),
    },
  });

  /** Changes made to the config file by another program, adopted one after another (see config-follow.ts). */
  let following = Promise.resolve();
  function followConfigFile(change: ConfigChange): void {
    following = following.then(async () => {
      let patch: SettingsPatch;
      try {
        patch = patchForConfigChange(change, settings);
      } catch (err) {
        setConfigWarning(`${configPath}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      setConfigWarning(null);
      if (Object.keys(patch).length === 0) return;
      log('info', `the config file was changed outside the app; adopting ${describeConfigPatch(patch)}`);
      await applySettings(patch, 'the config file was changed outside the app');
    }).catch((err: unknown) => log('error', `adopting the config file change failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** At start: what the CLI (or an editor) changed in the config file while the app was not running. */
  function adoptChangesMadeWhileAway(): void {
    let patch: SettingsPatch;
    try {
      patch = patchForConfigChange(configWatcher.changedWhileAway(), settings);
    } catch (err) {
      setConfigWarning(`${configPath}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (Object.keys(patch).length === 0) return;
    log('info', `the config file was changed while the app was not running; adopting ${describeConfigPatch(patch)}`);
    settings.apply(patch);
    hideSecrets();
  }

  /** First run: take what the CLI already configured (mode, remote token, SSH target). */
  function importFromConfigFile(): void {
    const view = readConfigView(configPath);
    const s = settings.get();
    if (firstRun && view.mode) settings.apply({ mode: view.mode });
    if (!s.remote.target && view.remoteSshTarget) settings.apply({ remote: { target: view.remoteSshTarget, ...(view.remoteSshIdentity ? { identityFile: view.remoteSshIdentity } : {}) } });
    if (!s.hasGatewayToken && view.remoteToken) settings.apply({ gatewayToken: view.remoteToken });
  }

  /** Saves a patch and re-applies the mode when it changed what the mode runs with. */
  async function applySettings(patch: SettingsPatch, reason: string): Promise<Settings> {
    const before = settings.get();
    const beforeToken = settings.secret('gatewayToken');
    const after = settings.apply(patch);
    hideSecrets();
    const touchesMode =
      (after.mode === 'local' && after.localPort !== before.localPort) ||
      (after.mode === 'remote' && (JSON.stringify(after.remote) !== JSON.stringify(before.remote) || settings.secret('gatewayToken') !== beforeToken || patch.gatewayPassword !== undefined || patch.keyPassphrase !== undefined));
    if (after.mode !== state.get().mode || touchesMode) await controller.setMode(after.mode, reason);
    return settings.get();
  }

  function remotePort(): number {
    return settings.get().remote.remotePort;
  }

  const handlers: { [K in DesktopCallName]: (input: DesktopCallInput<K>) => Promise<DesktopCallResults[K]> } = {
    getState: async () => state.get(),
    setMode: async ({ mode }) => {
      await controller.setMode(mode);
      return state.get();
    },
    getSettings: async () => settings.get(),
    saveSettings: (patch) => applySettings(patch, 'settings saved'),
    previewSshTarget: ({ target, identityFile }) => remote.preview(target, env, identityFile),
    testRemote: () => runTestRemote({ remote, options: controller.remoteOptions(), events: controller.linkEvents(null), probe, token: settings.secret('gatewayToken'), password: settings.secret('gatewayPassword'), now }),
    answerHostKey: async ({ id, accept }) => {
      controller.answerHostKey(id, accept);
      return state.get();
    },
    reconnectNow: async () => {
      await controller.reconnectNow();
      return state.get();
    },
    checkHealth: async () => (controller.monitor ? controller.monitor.check() : null),
    deepStatus: async () =>
      controller.monitor
        ? controller.monitor.deep()
        : { ok: false, fetchedAt: now(), error: new ClawdbotError('GatewayUnreachable', 'No gateway is connected.', 'Choose Local or Remote in Settings.').toJSON() },
    copyDiagnostics: async () => ({
      text: buildDiagnostics(
        {
          state: state.get(),
          settings: settings.get(),
          ssh: controller.remoteLink?.describe() ?? null,
          logs: logs.tail(100),
          paths: { stateDir, configPath, settingsFile: ports.store.path, logFile: logFile.path },
          platform: `${process.platform} ${process.arch}`,
          nodeVersion: process.version,
        },
        redactor,
      ),
    }),
    getLogs: async ({ limit }) => logs.tail(limit ?? 200),
    chatListSessions: () => chat.listSessions(),
    chatHistory: ({ sessionKey }) => chat.history(sessionKey),
    chatSend: ({ sessionKey, text, clientMessageId }) => chat.send(sessionKey, text, clientMessageId),
    chatAbort: ({ sessionKey, runId }) => chat.abort(sessionKey, runId),
    remoteReadGatewayConfig: async () => {
      const found = await readRemoteGatewayConfig(controller.remoteLink);
      const patch: Parameters<SettingsStore['apply']>[0] = {};
      if (found.port) patch.remote = { remotePort: found.port };
      if (found.token) patch.gatewayToken = found.token;
      if (found.password) patch.gatewayPassword = found.password;
      const applied = Object.keys(patch).length > 0;
      if (applied) await handlers.saveSettings(patch);
      return { port: found.port, hasToken: found.token !== null, hasPassword: found.password !== null, applied };
    },
    remoteGatewayStatus: () => remoteGatewayStatus(controller.remoteLink, remotePort()),
    remoteStartGateway: async ({ restart }) => {
      const result = await startRemoteGateway(controller.remoteLink, remotePort(), remoteGatewayCommand(remotePort()), restart);
      controller.kick('user');
      return result;
    },
    remoteTailLog: async ({ lines }) => ({ lines: await tailRemoteLog(controller.remoteLink, lines ?? 100) }),
  };

  const core: DesktopCore = {
    getState: () => state.get(),
    call: <K extends DesktopCallName>(name: K, input: DesktopCallInput<K>) => handlers[name](input),
    on: <E extends DesktopEventName>(event: E, listener: (payload: DesktopEventPayloads[E]) => void) => hub.on(event, listener),
    kick: (reason) => controller.kick(reason),
    shutdown: () => {
      configWatcher.stop();
      return controller.shutdown().finally(() => snapshot.flush());
    },
  };

  configWatcher.start();

  const initialMode = settings.get().mode;
  if (options.autoStart !== false && initialMode !== 'unconfigured') void controller.setMode(initialMode, 'starting with the saved mode');
  return core;
}
