// The chat history, virtualized: only the messages in view are in the DOM, so thousands scroll smoothly.
// It follows the newest message while the user is at the bottom, and stays put when they scroll up.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef } from 'react';
import type { ChatMessage } from '../../shared/desktop-api';
import { ChatMessageView } from './ChatMessageView';

const STICK_THRESHOLD_PX = 48;
const LINE_PX = 21;
const CHARS_PER_LINE = 80;

/**
 * A guess at a row's height before it is measured, from its text: close guesses keep the scrollbar
 * honest and spare the virtualizer big corrections (visible jumps) when rows above come into view.
 */
export function estimateMessageHeight(message: ChatMessage): number {
  let lines = 0;
  let gaps = 0;
  for (const line of message.text.split('\n')) {
    if (line.trim() === '') gaps += 1;
    else lines += Math.ceil(line.length / CHARS_PER_LINE);
  }
  // Row and bubble padding, one line at least, and about half a line between paragraphs.
  return 32 + LINE_PX * Math.max(lines, 1) + Math.round((LINE_PX / 2) * gaps);
}

export function MessageList({ messages }: { messages: ChatMessage[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => estimateMessageHeight(messages[i]!),
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
