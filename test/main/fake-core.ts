// A small DesktopCore for shell tests: state you set by hand, calls answered from a table, events
// emitted on demand, kick/shutdown recorded.

import { vi } from 'vitest';
import type { DesktopCore } from '../../src/desktop/ports';
import type { DesktopCallName, DesktopEventName, DesktopEventPayloads, DesktopState } from '../../src/shared/desktop-api';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

export function makeState(patch: Partial<DesktopState> = {}): DesktopState {
  return {
    mode: 'local',
    phase: 'ready',
    statusText: 'Connected to the local gateway on port 18789',
    endpointUrl: 'ws://127.0.0.1:18789',
    health: null,
    lastError: null,
    transitions: [],
    local: { adopted: false, restarts: 0, port: 18789 },
    remote: null,
    hostKeyPrompt: null,
    gatewayConnected: true,
    warnings: [],
    version: '0.1.0',
    ...patch,
  };
}

export type FakeCore = DesktopCore & {
  state: DesktopState;
  setState(patch: Partial<DesktopState>): void;
  emit<E extends DesktopEventName>(event: E, payload: DesktopEventPayloads[E]): void;
  listenerCount(event: DesktopEventName): number;
  call: ReturnType<typeof vi.fn> & DesktopCore['call'];
  kick: ReturnType<typeof vi.fn> & DesktopCore['kick'];
  shutdown: ReturnType<typeof vi.fn> & DesktopCore['shutdown'];
};

export function createFakeCore(initial: Partial<DesktopState> = {}, answers: Partial<Record<DesktopCallName, unknown>> = {}): FakeCore {
  const listeners = new Map<DesktopEventName, Set<(payload: never) => void>>();
  const table: Partial<Record<DesktopCallName, unknown>> = { getSettings: DEFAULT_SETTINGS, saveSettings: DEFAULT_SETTINGS, ...answers };
  const core = {
    state: makeState(initial),
    getState: () => core.state,
    call: vi.fn(async (name: DesktopCallName, _input: unknown) => {
      const answer = table[name];
      if (answer instanceof Error) throw answer;
      return answer ?? core.state;
    }),
    on(event: DesktopEventName, listener: (payload: never) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(event: DesktopEventName, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload as never);
    },
    listenerCount: (event: DesktopEventName) => listeners.get(event)?.size ?? 0,
    setState(patch: Partial<DesktopState>) {
      core.state = { ...core.state, ...patch };
      core.emit('state', core.state);
    },
    kick: vi.fn(),
    shutdown: vi.fn(async () => undefined),
  };
  return core as unknown as FakeCore;
}
