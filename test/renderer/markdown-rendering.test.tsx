// @vitest-environment happy-dom
// How often replies are parsed: a streamed delta parses only the reply that grew, and a settled reply
// that the virtual list unmounts and mounts again is not parsed again (scrolling a long history).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../src/shared/desktop-api';
import { estimateMessageHeight } from '../../src/renderer/components/MessageList';
import { FakeDesktopApi } from './fake-desktop-api';
import { inAct, renderApp, settle, stubLayout, type Rendered } from './render-app';

const parsed = vi.hoisted(() => [] as string[]);
vi.mock('markdown-it', async (importOriginal) => {
  const real = (await importOriginal()) as { default: new (options: object) => { render(src: string, env?: object): string } };
  class CountingMarkdownIt extends real.default {
    override render(src: string, env?: object): string {
      parsed.push(src);
      return super.render(src, env);
    }
  }
  return { default: CountingMarkdownIt };
});

const SESSION = 'agent:main:main';
const reply = (id: string, text: string, status: ChatMessage['status'] = 'final'): ChatMessage => ({ id, role: 'assistant', text, status, timestamp: 1 });

let view: Rendered | undefined;
beforeAll(() => stubLayout());
afterEach(() => {
  view?.unmount();
  parsed.length = 0;
});

describe('rendering replies', () => {
  it('parses only the reply that is streaming, not the settled ones above it', async () => {
    const api = new FakeDesktopApi();
    api.handle('chatHistory', () => [reply('a', 'first **settled** reply'), reply('b', 'second settled reply')]);
    view = await renderApp({ api, view: 'chat' });
    await settle();
    parsed.length = 0;
    for (const text of ['Str', 'Stream', 'Streaming in']) {
      await inAct(() => api.emit('chat', { sessionKey: SESSION, message: reply('c', text, 'streaming') }));
    }
    await settle();
    expect(parsed).toEqual(['Str', 'Stream', 'Streaming in']);
  });

  it('does not parse a settled reply again when its row is mounted again', async () => {
    const api = new FakeDesktopApi();
    api.handle('chatListSessions', () => [
      { key: SESSION, updatedAt: 2 },
      { key: 'agent:main:other', updatedAt: 1 },
    ]);
    api.handle('chatHistory', ({ sessionKey }) => (sessionKey === SESSION ? [reply('a', 'a reply worth **keeping**')] : [reply('o', 'elsewhere')]));
    view = await renderApp({ api, view: 'chat' });
    await settle();
    expect(parsed.filter((t) => t === 'a reply worth **keeping**')).toHaveLength(1);
    // Away and back: the row is unmounted and mounted again, as when it scrolls out of view and back.
    await inAct(() => void view!.store.getState().actions.selectSession('agent:main:other'));
    await inAct(() => void view!.store.getState().actions.selectSession(SESSION));
    await settle();
    expect(view.container.querySelector('article strong')?.textContent).toBe('keeping');
    expect(parsed.filter((t) => t === 'a reply worth **keeping**')).toHaveLength(1);
  });
});

describe('row height estimates', () => {
  it('grow with the lines a message will take', () => {
    const short = estimateMessageHeight(reply('s', 'hi'));
    const paragraph = estimateMessageHeight(reply('p', 'word '.repeat(60)));
    const code = estimateMessageHeight(reply('c', 'Here:\n\n```js\nconst a = 1;\nconst b = 2;\n```\n\nDone.'));
    expect(short).toBeLessThan(paragraph);
    expect(short).toBeLessThan(code);
    expect(short).toBeGreaterThanOrEqual(48);
  });
});
