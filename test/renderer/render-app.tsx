// Renders the whole window against a FakeDesktopApi in happy-dom, with helpers that act like a user.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from '../../src/renderer/App';
import { loadMarkdown } from '../../src/renderer/markdown/markdown-loader';
import { createAppStore, type AppStore, type HostKind, type ViewId } from '../../src/renderer/store/app-store';
import { StoreProvider } from '../../src/renderer/store/store-context';
import { FakeDesktopApi } from './fake-desktop-api';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** happy-dom does no layout: give the chat scroller and its rows sizes, so the virtualizer has a window. */
export function stubLayout(viewportHeight = 600, rowHeight = 80): void {
  const proto = HTMLElement.prototype;
  const size = (el: HTMLElement, scroller: number, row: number) =>
    el.classList.contains('message-scroller') ? scroller : el.classList.contains('message-row') ? row : 0;
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get(this: HTMLElement) { return size(this, viewportHeight, rowHeight); } });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get(this: HTMLElement) { return size(this, 800, 800); } });
  Object.defineProperty(proto, 'offsetHeight', { configurable: true, get(this: HTMLElement) { return size(this, viewportHeight, rowHeight); } });
  Object.defineProperty(proto, 'offsetWidth', { configurable: true, get(this: HTMLElement) { return size(this, 800, 800); } });
  // The scroller's content is the feed, whose height the virtualizer sets.
  Object.defineProperty(proto, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      const feed = this.classList.contains('message-scroller') ? this.querySelector<HTMLElement>('.message-feed') : null;
      return feed ? Math.max(parseFloat(feed.style.height) || 0, viewportHeight) : 0;
    },
  });
}

export interface Rendered {
  api: FakeDesktopApi;
  store: AppStore;
  container: HTMLElement;
  unmount(): void;
}

export async function renderApp(options: { api?: FakeDesktopApi; host?: HostKind; view?: ViewId } = {}): Promise<Rendered> {
  const api = options.api ?? new FakeDesktopApi();
  await loadMarkdown(); // as in the app, which loads it while it connects (markdown-pending.test.tsx: before)
  const store = createAppStore(api, options.host ?? 'twin', options.view);
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
  return {
    api,
    store,
    container,
    unmount() {
      act(() => root?.unmount());
      store.getState().actions.stop();
      container.remove();
    },
  };
}

/** Let pending promises and timers of the store settle inside act. */
export async function settle(ms = 0): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
}

/** Run something that updates the store (an event from the brain) the way React tests must. */
export async function inAct(fn: () => void): Promise<void> {
  await act(async () => {
    fn();
  });
}

export async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    el.click();
  });
}

/** Type into a React-controlled field: set the value as the browser would, then fire input. */
export async function typeInto(el: HTMLElement, value: string): Promise<void> {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function pressKey(el: HTMLElement, key: string, init: KeyboardEventInit = {}): Promise<void> {
  await act(async () => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  });
}
