// One chat message. Assistant replies are articles named "Assistant message"; errors show in place.
import { memo } from 'react';
import type { ChatMessage } from '../../shared/desktop-api';
import { MarkdownMessage } from './MarkdownMessage';

const ROLE_NAMES: Record<ChatMessage['role'], string> = { assistant: 'Assistant message', user: 'Your message', system: 'System message' };

const STATUS_NOTES: Partial<Record<ChatMessage['status'], string>> = {
  sending: 'Sending…',
  streaming: 'Replying…',
  aborted: 'Stopped.',
};

/**
 * position/total: where this message sits in the whole history (the list in the DOM is virtualized).
 * Memoized: a streamed delta replaces one message object, so only that row renders again.
 */
export const ChatMessageView = memo(function ChatMessageView({ message, position, total }: { message: ChatMessage; position: number; total: number }) {
  const note = STATUS_NOTES[message.status];
  return (
    <article
      aria-label={ROLE_NAMES[message.role]}
      className={`message message-${message.role} message-${message.status}`}
      aria-busy={message.status === 'streaming'}
      aria-posinset={position}
      aria-setsize={total}
    >
      {message.role === 'user' ? <p className="message-text">{message.text}</p> : <MarkdownMessage text={message.text} streaming={message.status === 'streaming'} />}
      {message.status === 'error' ? (
        <p role="alert" className="message-error">
          {message.errorMessage ?? 'This message failed.'}
        </p>
      ) : null}
      {note ? <p className="message-note">{note}</p> : null}
    </article>
  );
});
