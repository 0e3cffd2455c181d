// The message box: Enter sends, Shift+Enter starts a new line; Stop aborts the reply in flight.
import type { KeyboardEvent } from 'react';
import { inFlightRun } from '../store/chat-messages';
import { useActions, useAppState } from '../store/store-context';

export function Composer() {
  const draft = useAppState((s) => s.drafts[s.activeSessionKey] ?? '');
  const canStop = useAppState((s) => inFlightRun(s.messagesBySession[s.activeSessionKey] ?? []) !== null);
  const { setDraft, send, stopReply } = useActions();

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label htmlFor="chat-message" className="visually-hidden">
        Message
      </label>
      <textarea
        id="chat-message"
        rows={3}
        value={draft}
        placeholder="Message Clawdbot (Enter to send, Shift+Enter for a new line)"
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-buttons">
        <button type="submit" className="primary" disabled={draft.trim() === ''}>
          Send
        </button>
        <button type="button" disabled={!canStop} onClick={() => void stopReply()}>
          Stop
        </button>
      </div>
    </form>
  );
}
