// @vitest-environment happy-dom
// The gateway's Control UI opened without ?token=: it does not connect (the gateway would only answer
// "device identity required") and asks for the token at once, saying where to find it. A refused
// token keeps the old wording.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { openControlUi } from '../../src/renderer/control-ui/open-control-ui';
import { createAppStore, type AppStore } from '../../src/renderer/store/app-store';
import { StoreProvider } from '../../src/renderer/store/store-context';
import type { DesktopApi } from '../../src/shared/desktop-api';
import { getByRole } from './by-role';
import { FakeDesktopApi, desktopState } from './fake-desktop-api';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let unmount: (() => void) | undefined;
let socketsOpened: string[];

beforeEach(() => {
  socketsOpened = [];
  // Any connection attempt is recorded (and goes nowhere).
  vi.stubGlobal(
    'WebSocket',
    class {
      constructor(url: string) {
        socketsOpened.push(url);
      }
      addEventListener(): void {}
      removeEventListener(): void {}
      close(): void {}
      send(): void {}
    },
  );
  sessionStorage.clear();
});

afterEach(() => {
  unmount?.();
  unmount = undefined;
  vi.unstubAllGlobals();
});

async function renderControlUi(api: DesktopApi): Promise<HTMLElement> {
  const store: AppStore = createAppStore(api, 'control-ui');
  const container = document.createElement('div');
  document.body.appendChild(container);
  let root: Root | undefined;
  await act(async () => {
    root = createRoot(container);
    root.render(
      <StoreProvider store={store}>
        <App />
      </StoreProvider>,
    );
    await store.getState().actions.start();
  });
  unmount = () => {
    act(() => root?.unmount());
    store.getState().actions.stop();
    container.remove();
  };
  return container;
}

describe('the Control UI without a token', () => {
  it('asks for the token straight away, says where to find it, and does not connect', async () => {
    history.replaceState(null, '', '/');
    const container = await renderControlUi(openControlUi());

    const prompt = getByRole(container, 'form', { name: 'Gateway token' });
    getByRole(prompt, 'textbox', { name: 'Gateway token' });
    expect(prompt.textContent).toContain('gateway.auth.token');
    expect(prompt.textContent).toContain('~/.clawdbot/clawdbot.json');
    expect(prompt.textContent).toContain('?token=');
    expect(getByRole(container, 'status', { name: 'Gateway status' }).textContent).toBe('Disconnected: This page needs the gateway token.');
    expect(container.textContent).not.toContain('device identity required');
    expect(socketsOpened).toEqual([]);
  });

  it('with a token in the address, connects instead of asking', async () => {
    history.replaceState(null, '', '/?token=from-the-url');
    await renderControlUi(openControlUi());
    expect(socketsOpened).toEqual([`ws://${location.host}/`]);
    expect(location.search).toBe('');
  });

  it('a token the gateway refused keeps the "refused" wording', async () => {
    const api = new FakeDesktopApi();
    api.state = desktopState({
      phase: 'failed',
      statusText: 'Failed: unauthorized: gateway token mismatch',
      lastError: { errorClass: 'AuthFailed', message: 'unauthorized: gateway token mismatch', hint: 'check the token', retryable: false },
    });
    const container = await renderControlUi(api);
    expect(getByRole(container, 'form', { name: 'Gateway token' }).textContent).toContain('The gateway refused this page.');
  });
});
