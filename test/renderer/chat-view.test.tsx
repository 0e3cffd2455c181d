// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/desktop-api';
import { getByRole, queryAllByRole, queryByRole } from './by-role';
import { FakeDesktopApi } from './fake-desktop-api';
import { click, inAct, pressKey, renderApp, settle, stubLayout, typeInto, type Rendered } from './render-app';

const SESSION = 'agent:main:main';
const assistant = (id: string, text: string, status: ChatMessage['status'] = 'final', extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  role: 'assistant',
  text,
  status,
  timestamp: 2,
  ...extra,
});

let view: Rendered | undefined;
beforeAll(() => stubLayout());
afterEach(() => {
  view?.unmount();
  sessionStorage.clear();
});

async function openChat(api = new FakeDesktopApi()) {
  view = await renderApp({ api, view: 'chat' });
  return view;
}

describe('WebChat', () => {
  it('sends with Enter, keeps Shift+Enter for new lines', async () => {
    const { container, api } = await openChat();
    const box = getByRole(container, 'textbox', { name: 'Message' });
    await typeInto(box, 'first line');
    await pressKey(box, 'Enter', { shiftKey: true });
    expect(api.callsOf('chatSend')).toHaveLength(0);
    await pressKey(box, 'Enter');
    expect(api.callsOf('chatSend')).toMatchObject([{ sessionKey: SESSION, text: 'first line' }]);
    expect((box as HTMLTextAreaElement).value).toBe('');
    expect(getByRole(container, 'article', { name: 'Your message' }).textContent).toContain('first line');
  });

  it('streams the reply in as rendered Markdown, with raw HTML shown as text', async () => {
    const { container, api } = await openChat();
    await settle();
    await inAct(() => api.emit('chat', { sessionKey: SESSION, message: assistant('r1', '**Hel', 'streaming') }));
    await settle();
    expect(getByRole(container, 'article', { name: 'Assistant message' }).textContent).toContain('Hel');
    await inAct(() => api.emit('chat', {
      sessionKey: SESSION,
      message: assistant('r1', '**Hello** <img src=x onerror="alert(1)"><script>alert(2)</script>\n\n```js\nconst a = 1;\n```'),
    }));
    await settle();
    const [reply, ...more] = queryAllByRole(container, 'article', { name: 'Assistant message' });
    expect(more).toHaveLength(0);
    expect(reply!.querySelector('strong')?.textContent).toBe('Hello');
    expect(reply!.querySelector('img, script')).toBeNull();
    expect(reply!.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(reply!.querySelector('pre code')?.textContent).toBe('const a = 1;\n');
    getByRole(reply!, 'button', { name: 'Copy code' });
  });

  it('shows a Markdown image as a link instead of loading it', async () => {
    const { container, api } = await openChat();
    await inAct(() => api.emit('chat', { sessionKey: SESSION, message: assistant('r1', 'Look: ![a cat](https://example.com/cat.png)') }));
    await settle();
    const reply = getByRole(container, 'article', { name: 'Assistant message' });
    expect(reply.querySelector('img')).toBeNull();
    expect(getByRole(reply, 'link', { name: 'Image: a cat' }).getAttribute('href')).toBe('https://example.com/cat.png');
  });

  it('copies a code block with its button', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void copied.push(t) } });
    const { container, api } = await openChat();
    await inAct(() => api.emit('chat', { sessionKey: SESSION, message: assistant('r1', '```\necho hi\n```') }));
    await settle();
    await click(getByRole(container, 'button', { name: 'Copy code' }));
    await settle();
    expect(copied).toEqual(['echo hi\n']);
  });

  it('stops the reply in flight', async () => {
    const { container, api } = await openChat();
    const stop = getByRole(container, 'button', { name: 'Stop' }) as HTMLButtonElement;
    expect(stop.disabled).toBe(true);
    await inAct(() => api.emit('chat', { sessionKey: SESSION, message: assistant('run-7:reply', 'thinking', 'streaming', { runId: 'run-7' }) }));
    await settle();
    expect(stop.disabled).toBe(false);
    await click(stop);
    expect(api.callsOf('chatAbort')).toEqual([{ sessionKey: SESSION, runId: 'run-7' }]);
  });

  it('shows a model error where the reply would be', async () => {
    const { container, api } = await openChat();
    await inAct(() => api.emit('chat', { sessionKey: SESSION, message: assistant('r1', '', 'error', { errorMessage: 'No model is configured: run clawdbot configure.' }) }));
    await settle();
    const reply = getByRole(container, 'article', { name: 'Assistant message' });
    expect(getByRole(reply, 'alert').textContent).toBe('No model is configured: run clawdbot configure.');
  });

  it('keeps the draft across a reconnect and says when the link is down and back', async () => {
    const { container, api } = await openChat();
    await typeInto(getByRole(container, 'textbox', { name: 'Message' }), 'unsent words');
    await inAct(() => api.setState({ gatewayConnected: false, phase: 'reconnecting', statusText: 'Reconnecting: attempt 1' }));
    await settle();
    expect(getByRole(container, 'alert').textContent).toMatch(/Connection to the gateway lost/);
    expect(getByRole(container, 'status', { name: 'Gateway status' }).textContent).toBe('Reconnecting: attempt 1');
    await inAct(() => api.setState({ gatewayConnected: true, phase: 'ready', statusText: 'Connected' }));
    await settle();
    expect(getByRole(container, 'alert').textContent).toBe('Connection restored.');
    expect((getByRole(container, 'textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('unsent words');
  });

  it('says so in the banner when the page loses the app itself, keeping the draft', async () => {
    const { container, store } = await openChat();
    await typeInto(getByRole(container, 'textbox', { name: 'Message' }), 'still here');
    await inAct(() => store.getState().actions.setAppLink(false));
    expect(getByRole(container, 'alert').textContent).toMatch(/^Connection to the Clawdbot app lost\. Your draft is kept/);
    await inAct(() => store.getState().actions.setAppLink(true));
    await settle();
    expect(getByRole(container, 'alert').textContent).toBe('Connection restored.');
    expect((getByRole(container, 'textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('still here');
  });

  it('lists sessions and opens another one', async () => {
    const api = new FakeDesktopApi();
    api.handle('chatListSessions', () => [
      { key: SESSION, displayName: 'Main', updatedAt: 2 },
      { key: 'agent:main:other', displayName: 'Other', updatedAt: 1 },
    ]);
    api.handle('chatHistory', ({ sessionKey }) => (sessionKey === 'agent:main:other' ? [assistant('o1', 'from the other session')] : []));
    const { container } = await openChat(api);
    const nav = getByRole(container, 'navigation', { name: 'Chat sessions' });
    expect(getByRole(nav, 'button', { name: 'Main' }).getAttribute('aria-current')).toBe('page');
    await click(getByRole(nav, 'button', { name: 'Other' }));
    expect(getByRole(container, 'article', { name: 'Assistant message' }).textContent).toContain('from the other session');
  });

  it('keeps only the visible part of a 2,000-message history in the DOM', async () => {
    const api = new FakeDesktopApi();
    const history: ChatMessage[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `m${i}`,
      role: i % 2 ? 'assistant' : 'user',
      text: `message ${i}`,
      status: 'final',
      timestamp: i,
    }));
    api.handle('chatHistory', () => history);
    const { container } = await openChat(api);
    // happy-dom moves scrollTop on scrollTo but fires no scroll event; a browser would.
    const scroller = getByRole(container, 'region', { name: 'Chat history' });
    await inAct(() => scroller.dispatchEvent(new Event('scroll')));
    await settle(20);
    const rendered = container.querySelectorAll('article');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(40);
    // It follows the newest message: the last one is in view and knows its place in the whole list.
    const last = rendered[rendered.length - 1]!;
    expect(last.textContent).toContain('message 1999');
    expect(last.getAttribute('aria-setsize')).toBe('2000');
    expect(queryByRole(container, 'feed', { name: 'Messages' })).not.toBeNull();
  });
});
