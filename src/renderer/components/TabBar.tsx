// The views as a WAI-ARIA tablist: one tab stop, arrows/Home/End move and select.
import { useRef, type KeyboardEvent } from 'react';
import type { ViewId } from '../store/app-store';
import { useActions, useAppState } from '../store/store-context';

export const VIEW_LABELS: Record<ViewId, string> = { chat: 'WebChat', health: 'Health', settings: 'Settings', logs: 'Logs' };

export function tabId(view: ViewId): string {
  return `tab-${view}`;
}

export function panelId(view: ViewId): string {
  return `panel-${view}`;
}

export function TabBar() {
  const views = useAppState((s) => s.views);
  const active = useAppState((s) => s.activeView);
  const { showView } = useActions();
  const refs = useRef<Partial<Record<ViewId, HTMLButtonElement | null>>>({});

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const i = views.indexOf(active);
    const moves: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: views.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = views[(target + views.length) % views.length]!;
    showView(next);
    refs.current[next]?.focus();
  };

  return (
    <div role="tablist" aria-label="Views" className="tabs" onKeyDown={onKeyDown}>
      {views.map((view) => (
        <button
          key={view}
          ref={(el) => {
            refs.current[view] = el;
          }}
          type="button"
          role="tab"
          id={tabId(view)}
          aria-selected={view === active}
          aria-controls={panelId(view)}
          tabIndex={view === active ? 0 : -1}
          onClick={() => showView(view)}
        >
          {VIEW_LABELS[view]}
        </button>
      ))}
    </div>
  );
}
