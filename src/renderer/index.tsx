// Entry point: find the DesktopApi this page runs with, start the store, render the window.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { resolveDesktopApi } from './host/resolve-desktop-api';
import { loadMarkdown } from './markdown/markdown-loader';
import { createAppStore, type ViewId } from './store/app-store';
import { StoreProvider } from './store/store-context';

async function main() {
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root');
  try {
    const { api, host, onAppLink } = await resolveDesktopApi();
    // The tray's "Open WebChat" / "Health" / "Settings" items open the window on a view: #chat, #health…
    const store = createAppStore(api, host, (location.hash.slice(1) || undefined) as ViewId | undefined);
    createRoot(container).render(
      <StoreProvider store={store}>
        <App />
      </StoreProvider>,
    );
    onAppLink?.((up) => store.getState().actions.setAppLink(up));
    // The tray opens an already open window on another view by changing the hash.
    window.addEventListener('hashchange', () => store.getState().actions.showView(location.hash.slice(1) as ViewId));
    await store.getState().actions.start();
    // Its own chunk, fetched once the window is up (or as soon as a reply needs it).
    void loadMarkdown();
  } catch (err) {
    container.textContent = `Clawdbot could not start its window: ${err instanceof Error ? err.message : String(err)}`;
    container.setAttribute('role', 'alert');
  }
}

void main();
