// The single DesktopState. Only the core writes it; every change is pushed as a `state` event to the
// tray, the renderer and the twin, which never change it except by calling the DesktopApi.

import type { DesktopState, Mode, Phase, Transition } from '../shared/desktop-api';
import { describeStatus } from './status-text';

const MAX_TRANSITIONS = 100;

export function initialState(version: string): DesktopState {
  const state: DesktopState = {
    mode: 'unconfigured',
    phase: 'idle',
    statusText: '',
    endpointUrl: null,
    health: null,
    lastError: null,
    transitions: [],
    local: null,
    remote: null,
    hostKeyPrompt: null,
    gatewayConnected: false,
    warnings: [],
    version,
  };
  state.statusText = describeStatus(state);
  return state;
}

export class StateStore {
  private state: DesktopState;

  constructor(
    version: string,
    private readonly now: () => number,
    private readonly publish: (state: DesktopState) => void,
  ) {
    this.state = initialState(version);
  }

  get(): DesktopState {
    return structuredClone(this.state);
  }

  update(patch: Partial<Omit<DesktopState, 'statusText' | 'transitions' | 'version'>>): void {
    this.state = { ...this.state, ...patch };
    this.state.statusText = describeStatus(this.state);
    this.publish(this.get());
  }

  /** A change of mode or phase, recorded with its reason (the last 100 go into diagnostics). */
  transition(mode: Mode, phase: Phase, reason: string, patch: Partial<Omit<DesktopState, 'statusText' | 'transitions' | 'version' | 'mode' | 'phase'>> = {}): void {
    const entry: Transition = { at: this.now(), mode, phase, reason };
    const transitions = [...this.state.transitions, entry].slice(-MAX_TRANSITIONS);
    this.state = { ...this.state, ...patch, mode, phase, transitions };
    this.state.statusText = describeStatus(this.state);
    this.publish(this.get());
  }
}
