// An in-memory DesktopApi for renderer tests: records every call, answers from handlers the test can
// replace, and lets the test push state/chat/log events as the brain would.
import type {
  DesktopApi,
  DesktopCallInput,
  DesktopCallName,
  DesktopCallResults,
  DesktopEventName,
  DesktopEventPayloads,
  DesktopState,
} from '../../src/shared/desktop-api';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings';

type Handler<K extends DesktopCallName> = (input: DesktopCallInput<K>) => DesktopCallResults[K] | Promise<DesktopCallResults[K]>;
type Handlers = { [K in DesktopCallName]?: Handler<K> };

export function desktopState(overrides: Partial<DesktopState> = {}): DesktopState {
  return {
    mode: 'local',
    phase: 'ready',
    statusText: 'Connected to the local gateway',
    endpointUrl: 'ws://127.0.0.1:28789',
    health: {
      ok: true,
      checkedAt: 1_700_000_000_000,
      latencyMs: 4,
      latencyHistory: [5, 4, 6, 3, 4],
      consecutiveMisses: 0,
      gatewayVersion: '2026.1.24-3',
      uptimeMs: 3_723_000,
      sessionCount: 2,
    },
    lastError: null,
    transitions: [],
    local: { pid: 4242, adopted: false, restarts: 0, port: 28789 },
    remote: null,
    hostKeyPrompt: null,
    gatewayConnected: true,
    warnings: [],
    version: '0.1.0',
    ...overrides,
  };
}

export class FakeDesktopApi implements DesktopApi {
  readonly calls: Array<{ name: DesktopCallName; input: unknown }> = [];
  state: DesktopState = desktopState();
  settings: Settings = structuredClone(DEFAULT_SETTINGS);
  private readonly listeners = new Map<DesktopEventName, Set<(payload: never) => void>>();
  private readonly handlers: Handlers = {
    getState: () => this.state,
    getSettings: () => this.settings,
    saveSettings: (patch) => {
      const { gatewayToken, gatewayPassword, keyPassphrase, remote, ...rest } = patch;
      this.settings = { ...this.settings, ...rest, remote: { ...this.settings.remote, ...remote } };
      if (gatewayToken !== undefined) this.settings.hasGatewayToken = gatewayToken !== null;
      if (gatewayPassword !== undefined) this.settings.hasGatewayPassword = gatewayPassword !== null;
      if (keyPassphrase !== undefined) this.settings.hasKeyPassphrase = keyPassphrase !== null;
      // Like the brain: saving another mode switches to it.
      if (this.settings.mode !== this.state.mode) this.setState({ mode: this.settings.mode });
      return this.settings;
    },
    setMode: ({ mode }) => {
      this.settings.mode = mode;
      this.emit('state', (this.state = { ...this.state, mode }));
      return this.state;
    },
    previewSshTarget: ({ target }) => ({ ok: true, description: `root@${target}:22`, user: 'root', host: target, port: 22 }),
    chatListSessions: () => [],
    chatHistory: () => [],
    chatSend: ({ clientMessageId }) => ({ runId: clientMessageId }),
    chatAbort: () => ({ aborted: true }),
    getLogs: () => [],
    reconnectNow: () => this.state,
    checkHealth: () => this.state.health,
    deepStatus: () => ({ ok: true, fetchedAt: 1, status: { sessions: { count: 2 } } }),
    answerHostKey: () => {
      this.state = { ...this.state, hostKeyPrompt: null };
      return this.state;
    },
    testRemote: () => [],
  };

  handle<K extends DesktopCallName>(name: K, handler: Handler<K>): void {
    (this.handlers as Record<string, unknown>)[name] = handler;
  }

  async call<K extends DesktopCallName>(name: K, input?: DesktopCallInput<K>): Promise<DesktopCallResults[K]> {
    this.calls.push({ name, input });
    const handler = this.handlers[name] as Handler<K> | undefined;
    if (!handler) throw { info: { errorClass: 'Internal', message: `${name} is not faked`, hint: '', retryable: false } };
    return handler(input as DesktopCallInput<K>);
  }

  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEventPayloads[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends DesktopEventName>(event: E, payload: DesktopEventPayloads[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: DesktopEventPayloads[E]) => void)(payload);
  }

  /** Push a new state, as the brain does on every change. */
  setState(overrides: Partial<DesktopState>): void {
    this.state = { ...this.state, ...overrides };
    this.emit('state', this.state);
  }

  callsOf(name: DesktopCallName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }
}
