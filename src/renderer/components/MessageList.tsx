// The chat history, virtualized: only the messages in view are in the DOM, so thousands scroll smoothly.
// It follows the newest message while the user is at the bottom, and stays put when they scroll up.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef } from 'react';
import type { ChatMessage } from '../../shared/desktop-api';
import { ChatMessageView } from './ChatMessageView';

const STICK_THRESHOLD_PX = 48;

export function MessageList({ messages }: { messages: ChatMessage[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    overscan: 6,
    getItemKey: (i) => messages[i]!.id,
  });

  const last = messages[messages.length - 1];
  useLayoutEffect(() => {
    if (atBottom.current && messages.length > 0) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  }, [messages.length, last?.text, last?.status, virtualizer]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
  };

  const busy = last?.status === 'streaming' || last?.status === 'sending';
  return (
    <div ref={scrollRef} className="message-scroller" onScroll={onScroll} tabIndex={0} role="region" aria-label="Chat history">
      {messages.length === 0 ? <p className="muted empty-chat">No messages yet. Say hello.</p> : null}
      <div role="feed" aria-label="Messages" aria-busy={busy} className="message-feed" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            className="message-row"
            style={{ transform: `translateY(${item.start}px)` }}
          >
            <ChatMessageView message={messages[item.index]!} position={item.index + 1} total={messages.length} />
          </div>
        ))}
      </div>
    </div>
  );
}
