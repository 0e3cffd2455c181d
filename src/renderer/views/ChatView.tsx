// WebChat: sessions on the side, the history, and the composer.
import type { ChatMessage } from '../../shared/desktop-api';
import { Composer } from '../components/Composer';
import { ErrorNotice } from '../components/ErrorNotice';
import { MessageList } from '../components/MessageList';
import { SessionList } from '../components/SessionList';
import { useAppState } from '../store/store-context';

const NO_MESSAGES: ChatMessage[] = [];

export function ChatView() {
  const messages = useAppState((s) => s.messagesBySession[s.activeSessionKey] ?? NO_MESSAGES);
  const notice = useAppState((s) => s.chatNotice);
  const unconfigured = useAppState((s) => s.host !== 'control-ui' && s.desktop?.mode === 'unconfigured');
  return (
    <div className="chat-view">
      <SessionList />
      <section className="chat-main" aria-label="Conversation">
        {unconfigured ? <p className="notice">Clawdbot is not configured yet: choose where it runs in Settings.</p> : null}
        {notice ? <ErrorNotice error={notice} /> : null}
        <MessageList messages={messages} />
        <Composer />
      </section>
    </div>
  );
}
