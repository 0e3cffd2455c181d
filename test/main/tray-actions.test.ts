import { describe, expect, it, vi } from 'vitest';
import { createTrayActionHandler } from '../../src/main/tray-actions';
import { ClawdbotError } from '../../src/shared/errors';
import { createFakeCore } from './fake-core';

function setup(answers = {}) {
  const core = createFakeCore({}, { copyDiagnostics: { text: 'diag bundle' }, ...answers });
  const deps = { core, showView: vi.fn(), copyText: vi.fn(), startAtLogin: vi.fn(() => false), quit: vi.fn(), reportError: vi.fn() };
  return { core, deps, act: createTrayActionHandler(deps) };
}

describe('tray actions', () => {
  it('opens views, copies the gateway URL, quits', () => {
    const { deps, act } = setup();
    act({ kind: 'open', view: 'health' });
    expect(deps.showView).toHaveBeenCalledWith('health');
    act({ kind: 'copyGatewayUrl' });
    expect(deps.copyText).toHaveBeenCalledWith('ws://127.0.0.1:18789');
    act({ kind: 'quit' });
    expect(deps.quit).toHaveBeenCalled();
  });

  it('switches mode, reconnects and toggles Start at login through the core', async () => {
    const { core, deps, act } = setup();
    act({ kind: 'setMode', mode: 'remote' });
    act({ kind: 'reconnect' });
    act({ kind: 'toggleStartAtLogin' });
    expect(core.call.mock.calls).toEqual([
      ['setMode', { mode: 'remote' }],
      ['reconnectNow', undefined],
      ['saveSettings', { startAtLogin: true }],
    ]);
    await vi.waitFor(() => expect(deps.reportError).not.toHaveBeenCalled());
  });

  it('copies the diagnostics bundle the core builds', async () => {
    const { deps, act } = setup();
    act({ kind: 'copyDiagnostics' });
    await vi.waitFor(() => expect(deps.copyText).toHaveBeenCalledWith('diag bundle'));
  });

  it('reports a failure with its hint; a failed mode switch opens Settings', async () => {
    const { deps, act } = setup({ setMode: new ClawdbotError('Config', 'No SSH target is set.', 'Enter the SSH target in Settings.') });
    act({ kind: 'setMode', mode: 'remote' });
    await vi.waitFor(() => expect(deps.reportError).toHaveBeenCalledWith({ errorClass: 'Config', message: 'No SSH target is set.', hint: 'Enter the SSH target in Settings.', retryable: false }));
    expect(deps.showView).toHaveBeenCalledWith('settings');
  });

  it('does nothing for Copy gateway URL without an endpoint', () => {
    const { core, deps, act } = setup();
    core.state = { ...core.state, endpointUrl: null };
    act({ kind: 'copyGatewayUrl' });
    expect(deps.copyText).not.toHaveBeenCalled();
  });
});
