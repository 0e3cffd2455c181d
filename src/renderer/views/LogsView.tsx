// A live tail of the app's and the gateway's logs, filtered by text and source.
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { LogLine } from '../../shared/desktop-api';
import { useActions, useAppState } from '../store/store-context';

/** Only the newest matching lines are in the DOM; the store keeps more for the filter to search. */
const SHOWN_LINES = 500;

export function filterLogs(lines: LogLine[], filter: string, source: 'all' | LogLine['source']): LogLine[] {
  const needle = filter.trim().toLowerCase();
  return lines.filter((l) => (source === 'all' || l.source === source) && (!needle || l.text.toLowerCase().includes(needle)));
}

// Lines carry no id, and their index shifts once the tail is full; a key per line object (the store
// keeps the objects it received) lets React keep the rows in place instead of rebuilding all of them.
const lineKeys = new WeakMap<LogLine, number>();
let nextLineKey = 0;
function keyOf(line: LogLine): number {
  let key = lineKeys.get(line);
  if (key === undefined) lineKeys.set(line, (key = nextLineKey++));
  return key;
}

function formatTime(ts: number): string {
  return new Date(ts).toLocaleTimeString(undefined, { hour12: false });
}

export function LogsView() {
  const logs = useAppState((s) => s.logs);
  const filter = useAppState((s) => s.logFilter);
  const source = useAppState((s) => s.logSource);
  const { setLogFilter, setLogSource } = useActions();
  const shown = useMemo(() => filterLogs(logs, filter, source).slice(-SHOWN_LINES), [logs, filter, source]);
  const scrollRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [shown]);

  return (
    <div className="logs-view">
      <div className="logs-controls">
        <label htmlFor="log-filter">Filter logs</label>
        <input id="log-filter" type="search" value={filter} onChange={(e) => setLogFilter(e.target.value)} placeholder="text to match" />
        <label htmlFor="log-source">Source</label>
        <select id="log-source" value={source} onChange={(e) => setLogSource(e.target.value as 'all' | LogLine['source'])}>
          <option value="all">All</option>
          <option value="app">App</option>
          <option value="gateway">Gateway</option>
        </select>
      </div>
      <ol
        ref={scrollRef}
        className="log-lines"
        aria-label="Log lines"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown.map((line) => (
          <li key={keyOf(line)} className={`log-line log-${line.level}`}>
            <time dateTime={new Date(line.ts).toISOString()}>{formatTime(line.ts)}</time> <span className="log-source">{line.source}</span>{' '}
            <span className="log-level">{line.level}</span> <span className="log-text">{line.text}</span>
          </li>
        ))}
      </ol>
      {shown.length === 0 ? <p className="muted">{logs.length === 0 ? 'No log lines yet.' : 'No lines match the filter.'}</p> : null}
    </div>
  );
}
