// The chat sessions the gateway knows; the open one is marked as current.
import type { ChatSessionSummary } from '../../shared/desktop-api';
import { DEFAULT_SESSION_KEY } from '../store/app-store';
import { useActions, useAppState } from '../store/store-context';

export function SessionList() {
  const sessions = useAppState((s) => s.sessions);
  const active = useAppState((s) => s.activeSessionKey);
  const { selectSession } = useActions();
  const shown: ChatSessionSummary[] = sessions.some((s) => s.key === active) ? sessions : [{ key: active, updatedAt: 0 }, ...sessions];
  return (
    <nav aria-label="Chat sessions" className="session-list">
      <ul>
        {shown.map((session) => (
          <li key={session.key}>
            <button
              type="button"
              aria-current={session.key === active ? 'page' : undefined}
              onClick={() => void selectSession(session.key)}
              title={session.key}
            >
              <span className="session-name">{session.displayName ?? (session.key === DEFAULT_SESSION_KEY ? 'Main session' : session.key)}</span>
              {session.lastMessagePreview ? (
                <span className="session-preview">{session.lastMessagePreview}</span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
