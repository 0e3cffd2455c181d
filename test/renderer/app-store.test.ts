// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/desktop-api';
import { createAppStore, type AppStore } from '../../src/renderer/store/app-store';
import { inFlightRun, mergeHistory, upsertMessage } from '../../src/renderer/store/chat-messages';
import { FakeDesktopApi } from './fake-desktop-api';

const msg = (id: string, role: ChatMessage['role'], status: ChatMessage['status'] = 'final', text = id): ChatMessage => ({ id, role, status, text, timestamp: 1 });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

let store: AppStore | undefined;
afterEach(() => {
  store?.getState().actions.stop();
  sessionStorage.clear();
});

async function started(api = new FakeDesktopApi()) {
  store = createAppStore(api, 'twin');
  await store.getState().actions.start();
  return { api, store };
}

describe('message lists', () => {
  it('replaces a message with the same id instead of adding it twice', () => {
    const list = upsertMessage(upsertMessage([], msg('a', 'user')), msg('r', 'assistant', 'streaming', 'Hel'));
    const next = upsertMessage(list, msg('r', 'assistant', 'final', 'Hello'));
    expect(next.map((m) => [m.id, m.text])).toEqual([['a', 'a'], ['r', 'Hello']]);
  });

  it('keeps local messages in flight after a history the brain does not have them in yet', () => {
    const merged = mergeHistory([msg('a', 'user'), msg('b', 'assistant')], [msg('a', 'user', 'sending'), msg('c', 'user', 'sending'), msg('old', 'user', 'final')]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a message the brain refused on screen, with its error, across a re-read of the history', () => {
    const refused = { ...msg('x', 'user', 'error', 'my words'), errorMessage: 'There is no gateway to send to.' };
    expect(mergeHistory([msg('a', 'user')], [msg('a', 'user'), refused])).toEqual([msg('a', 'user'), refused]);
    // Once the brain knows it (it was delivered after all), its version wins.
    expect(mergeHistory([msg('a', 'user'), msg('x', 'user', 'final', 'my words')], [refused]).map((m) => m.status)).toEqual(['final', 'final']);
  });

  it('knows which run Stop aborts', () => {
    expect(inFlightRun([msg('u', 'user'), { ...msg('r', 'assistant', 'streaming'), runId: 'run-1' }])).toEqual({ runId: 'run-1' });
    expect(inFlightRun([{ ...msg('u', 'user', 'sent'), runId: 'run-2' }])).toEqual({ runId: 'run-2' });
    expect(inFlightRun([msg('u', 'user'), msg('r', 'assistant')])).toBeNull();
  });
});

describe('the store', () => {
  it('loads state, settings, sessions, history and logs at start', async () => {
    const api = new FakeDesktopApi();
    api.handle('chatListSessions', () => [{ key: 'agent:main:main', updatedAt: 2, displayName: 'Main' }]);
    api.handle('chatHistory', () => [msg('h1', 'user'), msg('h2', 'assistant')]);
    api.handle('getLogs', () => [{ source: 'app', ts: 1, level: 'info', text: 'started' }]);
    const { store: s } = await started(api);
    const state = s.getState();
    expect(state.desktop?.statusText).toMatch(/^Connected/);
    expect(state.settingsForm?.mode).toBe('unconfigured');
    expect(state.messagesBySession['agent:main:main']?.map((m) => m.id)).toEqual(['h1', 'h2']);
    expect(state.logs).toHaveLength(1);
  });

  it('streams chat updates into one message per id', async () => {
    const { api, store: s } = await started();
    api.emit('chat', { sessionKey: 'agent:main:main', message: msg('r1', 'assistant', 'streaming', 'Hel') });
    api.emit('chat', { sessionKey: 'agent:main:main', message: msg('r1', 'assistant', 'streaming', 'Hello') });
    api.emit('chat', { sessionKey: 'agent:main:main', message: msg('r1', 'assistant', 'final', 'Hello there') });
    expect(s.getState().messagesBySession['agent:main:main']).toEqual([msg('r1', 'assistant', 'final', 'Hello there')]);
  });

  it('sends the draft with an idempotency key, shows it at once and clears the draft', async () => {
    const { api, store: s } = await started();
    s.getState().actions.setDraft('  hi there ');
    await s.getState().actions.send();
    const [input] = api.callsOf('chatSend') as Array<{ sessionKey: string; text: string; clientMessageId: string }>;
    expect(input).toMatchObject({ sessionKey: 'agent:main:main', text: 'hi there' });
    const [shown] = s.getState().messagesBySession['agent:main:main']!;
    expect(shown).toMatchObject({ id: input!.clientMessageId, role: 'user', text: 'hi there', status: 'sent', runId: input!.clientMessageId });
    expect(s.getState().drafts['agent:main:main']).toBe('');
  });

  it('shows a failed send in place with the hint', async () => {
    const api = new FakeDesktopApi();
    api.handle('chatSend', () => {
      throw { info: { errorClass: 'GatewayUnreachable', message: 'The gateway is not reachable.', hint: 'Check that it runs.', retryable: true } };
    });
    const { store: s } = await started(api);
    s.getState().actions.setDraft('hello');
    await s.getState().actions.send();
    expect(s.getState().messagesBySession['agent:main:main']![0]).toMatchObject({ status: 'error', errorMessage: 'The gateway is not reachable. Check that it runs.' });
  });

  it('keeps the draft in sessionStorage so a reload finds it', async () => {
    const { store: s } = await started();
    s.getState().actions.setDraft('half a thought');
    s.getState().actions.stop();
    const again = await started();
    expect(again.store.getState().drafts['agent:main:main']).toBe('half a thought');
  });

  it('raises the banner when the gateway link drops, says when it is back, and re-reads history', async () => {
    const { api, store: s } = await started();
    api.setState({ gatewayConnected: false, phase: 'reconnecting', statusText: 'Reconnecting (attempt 1)' });
    expect(s.getState().banner).toBe('down');
    const historyCalls = api.callsOf('chatHistory').length;
    api.setState({ gatewayConnected: true, phase: 'ready', statusText: 'Connected' });
    expect(s.getState().banner).toBe('back');
    await tick();
    expect(api.callsOf('chatHistory').length).toBe(historyCalls + 1);
  });

  it('saves only what changed, mode included, and forgets the typed secret', async () => {
    const { api, store: s } = await started();
    s.getState().actions.editSettings({ mode: 'remote', target: 'box', gatewayToken: 'sekret' });
    await s.getState().actions.saveSettings();
    expect(api.callsOf('saveSettings')).toEqual([{ mode: 'remote', remote: { target: 'box' }, gatewayToken: 'sekret' }]);
    expect(api.callsOf('setMode')).toEqual([]);
    expect(s.getState().desktop?.mode).toBe('remote');
    expect(s.getState().settingsForm?.gatewayToken).toBe('');
    expect(s.getState().settingsSave.status).toBe('saved');
  });

  it('refuses to save a port that is not a port', async () => {
    const { api, store: s } = await started();
    s.getState().actions.editSettings({ mode: 'remote', target: 'box', remotePort: '99999' });
    await s.getState().actions.saveSettings();
    expect(api.callsOf('saveSettings')).toHaveLength(0);
    expect(s.getState().settingsSave).toEqual({ status: 'error', message: 'Remote gateway port must be a number from 1 to 65535.', field: 'remotePort' });
  });

  it('shows only WebChat and Health in the Control UI', () => {
    store = createAppStore(new FakeDesktopApi(), 'control-ui', 'settings');
    expect(store.getState().views).toEqual(['chat', 'health']);
    expect(store.getState().activeView).toBe('chat');
  });
});

describe('the link to the app itself', () => {
  it('raises the chat banner when the page loses the app, and says when it is back', async () => {
    const { store: s } = await started();
    s.getState().actions.setAppLink(false);
    expect(s.getState().banner).toBe('down');
    s.getState().actions.setAppLink(true);
    expect(s.getState().banner).toBe('back');
  });

  it('raises no chat banner for a lost app link before Clawdbot is configured', async () => {
    const api = new FakeDesktopApi();
    api.state = { ...api.state, mode: 'unconfigured', phase: 'idle', statusText: 'Not configured', gatewayConnected: false };
    const { store: s } = await started(api);
    s.getState().actions.setAppLink(false);
    expect(s.getState().banner).toBeNull();
  });

  it('says the page lost the app, and re-reads the chat when the link is back', async () => {
    const { api, store: s } = await started();
    s.getState().actions.setAppLink(false);
    expect(s.getState().appLinkDown).toBe(true);
    const before = api.callsOf('chatHistory').length;
    s.getState().actions.setAppLink(true);
    await tick();
    expect(s.getState().appLinkDown).toBe(false);
    expect(api.callsOf('chatHistory').length).toBe(before + 1);
  });
});
