// The renderer's one store. It is fed by the DesktopApi's state/chat/log events and turns user intents
// into DesktopApi calls; views only render it. Re-sync and re-send after a reconnect belong to the brain:
// here we only re-read what the brain says.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ChatMessage,
  ChatSessionSummary,
  ChatUpdate,
  DeepStatus,
  DesktopApi,
  DesktopState,
  LogLine,
  SshTargetPreview,
  TestRemoteLayer,
} from '../../shared/desktop-api';
import type { ErrorInfo } from '../../shared/errors';
import type { Settings } from '../../shared/settings';
import { randomId } from '../../client/random-id';
import { toCallErrorInfo } from './call-error';
import { inFlightRun, mergeHistory, upsertMessage } from './chat-messages';
import { loadDraft, saveDraft } from './draft-storage';
import { formFromSettings, patchFromForm, withoutSecrets, type SettingsForm } from './settings-form';

export type ViewId = 'chat' | 'health' | 'settings' | 'logs';
/** Remote help: each runs a command over the SSH session, only after the user confirmed it. */
export type RemoteHelpAction = 'read-config' | 'status' | 'start' | 'restart' | 'tail-log';
/** Where the renderer runs: Electron, the browser twin, or the gateway's own Control UI. */
export type HostKind = 'electron' | 'twin' | 'control-ui';

export const DEFAULT_SESSION_KEY = 'agent:main:main';
const MAX_LOG_LINES = 2000;
const BANNER_BACK_MS = 6000;
const PREVIEW_DEBOUNCE_MS = 150;

export interface AppState {
  host: HostKind;
  views: ViewId[];
  activeView: ViewId;
  desktop: DesktopState | null;
  settings: Settings | null;
  settingsForm: SettingsForm | null;
  /** `field`: the form field an error is about, marked invalid in the view. */
  settingsSave: { status: 'idle' | 'saving' | 'saved' | 'error'; message: string; field?: string };
  sshPreview: SshTargetPreview | null;
  remoteTest: { running: boolean; layers: TestRemoteLayer[]; error: ErrorInfo | null };
  deepStatus: DeepStatus | null;
  deepStatusLoading: boolean;
  healthActionError: ErrorInfo | null;
  /** Copy diagnostics: the outcome, and the text itself when the clipboard refused it. */
  diagnostics: { status: 'idle' | 'copying' | 'copied' | 'shown'; text: string; error: ErrorInfo | null };
  remoteHelp: { asking: RemoteHelpAction | null; running: RemoteHelpAction | null; result: string; lines: string[]; error: ErrorInfo | null };
  sessions: ChatSessionSummary[];
  activeSessionKey: string;
  /** True once the user picked a session: a refreshed list then never moves them elsewhere. */
  activeSessionChosen: boolean;
  messagesBySession: Record<string, ChatMessage[]>;
  drafts: Record<string, string>;
  chatNotice: ErrorInfo | null;
  /** The chat connection banner: down while the gateway link is lost, back for a moment after. */
  banner: 'down' | 'back' | null;
  /** The page's own link to the app (the twin's socket) is down: what we show may be stale. */
  appLinkDown: boolean;
  logs: LogLine[];
  logFilter: string;
  logSource: 'all' | LogLine['source'];
  actions: AppActions;
}

export interface AppActions {
  start(): Promise<void>;
  stop(): void;
  showView(view: ViewId): void;
  editSettings(patch: Partial<SettingsForm>): void;
  saveSettings(): Promise<void>;
  testRemote(): Promise<void>;
  answerHostKey(accept: boolean): Promise<void>;
  reconnectNow(): Promise<void>;
  checkHealth(): Promise<void>;
  loadDeepStatus(): Promise<void>;
  copyDiagnostics(): Promise<void>;
  askRemoteHelp(action: RemoteHelpAction | null): void;
  runRemoteHelp(): Promise<void>;
  selectSession(key: string): Promise<void>;
  setDraft(text: string): void;
  send(): Promise<void>;
  stopReply(): Promise<void>;
  setLogFilter(filter: string): void;
  setLogSource(source: AppState['logSource']): void;
  /** The twin's socket went down (false) or came back (true). */
  setAppLink(up: boolean): void;
}

export type AppStore = StoreApi<AppState>;

const VIEWS_BY_HOST: Record<HostKind, ViewId[]> = {
  electron: ['chat', 'health', 'settings', 'logs'],
  twin: ['chat', 'health', 'settings', 'logs'],
  'control-ui': ['chat', 'health'],
};

export function createAppStore(api: DesktopApi, host: HostKind, initialView?: ViewId): AppStore {
  const unsubscribers: Array<() => void> = [];
  let bannerTimer: ReturnType<typeof setTimeout> | undefined;
  let previewTimer: ReturnType<typeof setTimeout> | undefined;
  let previewRequest = 0;
  let historyRequest = 0;

  const store = createStore<AppState>()((set, get) => {
    const views = VIEWS_BY_HOST[host];
    const updateMessages = (sessionKey: string, fn: (list: ChatMessage[]) => ChatMessage[]) =>
      set((s) => ({ messagesBySession: { ...s.messagesBySession, [sessionKey]: fn(s.messagesBySession[sessionKey] ?? []) } }));

    const loadHistory = async (sessionKey: string) => {
      const request = ++historyRequest;
      try {
        const history = await api.call('chatHistory', { sessionKey });
        if (request !== historyRequest) return;
        updateMessages(sessionKey, (local) => mergeHistory(history, local));
        set({ chatNotice: null });
      } catch (err) {
        if (request === historyRequest) set({ chatNotice: toCallErrorInfo(err) });
      }
    };

    const loadSessions = async () => {
      try {
        const sessions = await api.call('chatListSessions');
        set((s) => {
          // Stay on the open session while the gateway knows it (or knows none yet); else open its newest.
          const stay = sessions.length === 0 || sessions.some((x) => x.key === s.activeSessionKey) || s.activeSessionChosen;
          const active = stay ? s.activeSessionKey : sessions[0]!.key;
          return { sessions, activeSessionKey: active, drafts: { ...s.drafts, [active]: s.drafts[active] ?? loadDraft(active) } };
        });
      } catch (err) {
        set({ chatNotice: toCallErrorInfo(err) });
      }
    };

    const bannerDown = () => {
      clearTimeout(bannerTimer);
      set({ banner: 'down' });
    };
    const bannerBack = () => {
      if (get().banner !== 'down') return;
      set({ banner: 'back' });
      clearTimeout(bannerTimer);
      bannerTimer = setTimeout(() => set((s) => (s.banner === 'back' ? { banner: null } : {})), BANNER_BACK_MS);
    };
    // Before Clawdbot is configured there is no chat to warn about (the Control UI always has one).
    const chatConfigured = () => host === 'control-ui' || (get().desktop?.mode ?? 'unconfigured') !== 'unconfigured';

    const onState = (next: DesktopState) => {
      const prev = get().desktop;
      set({ desktop: next });
      const wasUp = prev?.gatewayConnected ?? false;
      if (!chatConfigured()) {
        clearTimeout(bannerTimer);
        set({ banner: null });
      } else if (wasUp && !next.gatewayConnected) {
        bannerDown();
      } else if (!wasUp && next.gatewayConnected) {
        bannerBack();
        // The brain re-syncs with the gateway; read its view of the sessions and the open history.
        void loadSessions();
        void loadHistory(get().activeSessionKey);
      }
    };

    const onChat = (update: ChatUpdate) => {
      updateMessages(update.sessionKey, (list) => upsertMessage(list, update.message));
      if (!get().sessions.some((s) => s.key === update.sessionKey)) {
        set((s) => ({ sessions: [...s.sessions, { key: update.sessionKey, updatedAt: update.message.timestamp }] }));
      }
    };

    const onLog = (line: LogLine) =>
      set((s) => {
        const logs = s.logs.length >= MAX_LOG_LINES ? s.logs.slice(s.logs.length - MAX_LOG_LINES + 1) : s.logs.slice();
        logs.push(line);
        return { logs };
      });

    /** The brain resolves the target with the identity file, as the tunnel will, and checks that the file is there. */
    const requestPreview = (target: string, identityFile: string) => {
      clearTimeout(previewTimer);
      const request = ++previewRequest;
      const key = identityFile.trim();
      previewTimer = setTimeout(() => {
        api.call('previewSshTarget', key ? { target, identityFile: key } : { target }).then(
          (preview) => {
            if (request === previewRequest) set({ sshPreview: preview });
          },
          (err: unknown) => {
            if (request === previewRequest) set({ sshPreview: { ok: false, description: '', error: toCallErrorInfo(err).message } });
          },
        );
      }, PREVIEW_DEBOUNCE_MS);
    };

    const actions: AppActions = {
      async start() {
        unsubscribers.push(api.on('state', onState), api.on('chat', onChat), api.on('log', onLog));
        const active = get().activeSessionKey;
        set((s) => ({ drafts: { ...s.drafts, [active]: s.drafts[active] ?? loadDraft(active) } }));
        const jobs: Array<Promise<unknown>> = [
          api.call('getState').then(onState, (err: unknown) => set({ healthActionError: toCallErrorInfo(err) })),
          loadSessions().then(() => loadHistory(get().activeSessionKey)),
        ];
        if (views.includes('settings')) {
          jobs.push(
            api.call('getSettings').then(
              (settings) => {
                set({ settings, settingsForm: formFromSettings(settings) });
                if (settings.remote.target) requestPreview(settings.remote.target, settings.remote.identityFile);
              },
              (err: unknown) => set({ settingsSave: { status: 'error', message: toCallErrorInfo(err).message } }),
            ),
          );
        }
        if (views.includes('logs')) {
          jobs.push(
            api.call('getLogs', { limit: 500 }).then(
              (lines) => set((s) => ({ logs: [...lines, ...s.logs].slice(-MAX_LOG_LINES) })),
              () => undefined,
            ),
          );
        }
        await Promise.all(jobs);
      },

      stop() {
        for (const off of unsubscribers.splice(0)) off();
        clearTimeout(bannerTimer);
        clearTimeout(previewTimer);
      },

      showView(view) {
        if (views.includes(view)) set({ activeView: view });
      },

      editSettings(patch) {
        const form = get().settingsForm;
        if (!form) return;
        const next = { ...form, ...patch };
        set({ settingsForm: next, settingsSave: { status: 'idle', message: '' } });
        if (next.target !== form.target || next.identityFile !== form.identityFile) requestPreview(next.target, next.identityFile);
      },

      async saveSettings() {
        const { settingsForm: form, settings: saved } = get();
        if (!form || !saved) return;
        const result = patchFromForm(form, saved);
        if (!result.ok) {
          set({ settingsSave: { status: 'error', message: result.message, field: result.field } });
          return;
        }
        set({ settingsSave: { status: 'saving', message: 'Saving…' } });
        try {
          // The brain switches the mode (or reconnects) itself when the saved settings call for it.
          const settings = await api.call('saveSettings', result.patch);
          set((s) => ({
            settings,
            settingsForm: s.settingsForm ? withoutSecrets(s.settingsForm) : s.settingsForm,
            settingsSave: { status: 'saved', message: 'Saved.' },
          }));
        } catch (err) {
          const info = toCallErrorInfo(err);
          set({ settingsSave: { status: 'error', message: `${info.message} ${info.hint}`.trim() } });
        }
      },

      async testRemote() {
        const { settingsForm: form, settings: saved } = get();
        if (!form || !saved) return;
        // The test runs against saved settings, so save the remote fields first (but do not switch mode).
        const result = patchFromForm({ ...form, mode: 'remote' }, { ...saved, mode: 'remote' });
        if (!result.ok) {
          set({ remoteTest: { running: false, layers: [], error: { errorClass: 'Config', message: result.message, hint: '', retryable: false } } });
          return;
        }
        set({ remoteTest: { running: true, layers: [], error: null } });
        try {
          if (Object.keys(result.patch).length > 0) {
            const settings = await api.call('saveSettings', result.patch);
            set((s) => ({ settings, settingsForm: s.settingsForm ? withoutSecrets(s.settingsForm) : s.settingsForm }));
          }
          const layers = await api.call('testRemote');
          set({ remoteTest: { running: false, layers, error: null } });
        } catch (err) {
          set({ remoteTest: { running: false, layers: [], error: toCallErrorInfo(err) } });
        }
      },

      async answerHostKey(accept) {
        const prompt = get().desktop?.hostKeyPrompt;
        if (!prompt) return;
        try {
          onState(await api.call('answerHostKey', { id: prompt.id, accept }));
        } catch (err) {
          set({ healthActionError: toCallErrorInfo(err) });
        }
      },

      async reconnectNow() {
        set({ healthActionError: null });
        try {
          onState(await api.call('reconnectNow'));
        } catch (err) {
          set({ healthActionError: toCallErrorInfo(err) });
        }
      },

      async checkHealth() {
        set({ healthActionError: null });
        try {
          await api.call('checkHealth');
        } catch (err) {
          set({ healthActionError: toCallErrorInfo(err) });
        }
      },

      async loadDeepStatus() {
        set({ deepStatusLoading: true });
        try {
          set({ deepStatus: await api.call('deepStatus'), deepStatusLoading: false });
        } catch (err) {
          set({ deepStatus: { ok: false, fetchedAt: Date.now(), error: toCallErrorInfo(err) }, deepStatusLoading: false });
        }
      },

      async copyDiagnostics() {
        set({ diagnostics: { status: 'copying', text: '', error: null } });
        let text: string;
        try {
          ({ text } = await api.call('copyDiagnostics'));
        } catch (err) {
          set({ diagnostics: { status: 'idle', text: '', error: toCallErrorInfo(err) } });
          return;
        }
        try {
          await navigator.clipboard.writeText(text);
          set({ diagnostics: { status: 'copied', text: '', error: null } });
        } catch {
          // No clipboard (an insecure context, a denied permission): show the text to copy by hand.
          set({ diagnostics: { status: 'shown', text, error: null } });
        }
      },

      askRemoteHelp(action) {
        set((s) => ({ remoteHelp: { ...s.remoteHelp, asking: action, error: null } }));
      },

      async runRemoteHelp() {
        const action = get().remoteHelp.asking;
        if (!action) return;
        set({ remoteHelp: { asking: null, running: action, result: '', lines: [], error: null } });
        try {
          let result = '';
          let lines: string[] = [];
          if (action === 'read-config') {
            const found = await api.call('remoteReadGatewayConfig');
            result = found.applied
              ? `Saved from the remote config: ${[found.port ? `port ${found.port}` : '', found.hasToken ? 'the token' : '', found.hasPassword ? 'the password' : ''].filter(Boolean).join(', ')}.`
              : 'The remote config has no gateway port or token to use.';
            const settings = await api.call('getSettings');
            set({ settings, settingsForm: formFromSettings(settings) });
          } else if (action === 'status') {
            result = (await api.call('remoteGatewayStatus')).detail;
          } else if (action === 'start' || action === 'restart') {
            result = (await api.call('remoteStartGateway', { restart: action === 'restart' })).detail;
          } else {
            lines = (await api.call('remoteTailLog', { lines: 100 })).lines;
            result = lines.length ? '' : 'The remote log is empty.';
          }
          set({ remoteHelp: { asking: null, running: null, result, lines, error: null } });
        } catch (err) {
          set({ remoteHelp: { asking: null, running: null, result: '', lines: [], error: toCallErrorInfo(err) } });
        }
      },

      async selectSession(key) {
        set((s) => ({ activeSessionKey: key, activeSessionChosen: true, drafts: { ...s.drafts, [key]: s.drafts[key] ?? loadDraft(key) } }));
        await loadHistory(key);
      },

      setDraft(text) {
        const key = get().activeSessionKey;
        set((s) => ({ drafts: { ...s.drafts, [key]: text } }));
        saveDraft(key, text);
      },

      async send() {
        const sessionKey = get().activeSessionKey;
        const text = (get().drafts[sessionKey] ?? '').trim();
        if (!text) return;
        const id = randomId();
        updateMessages(sessionKey, (list) => upsertMessage(list, { id, role: 'user', text, timestamp: Date.now(), status: 'sending' }));
        actions.setDraft('');
        try {
          const { runId } = await api.call('chatSend', { sessionKey, text, clientMessageId: id });
          // The brain's own update may already have moved the message on; only fill in what is missing.
          updateMessages(sessionKey, (list) =>
            list.map((m) => (m.id === id ? { ...m, runId: m.runId ?? runId, status: m.status === 'sending' ? 'sent' : m.status } : m)),
          );
        } catch (err) {
          const info = toCallErrorInfo(err);
          updateMessages(sessionKey, (list) =>
            list.map((m) => (m.id === id ? { ...m, status: 'error', errorMessage: `${info.message} ${info.hint}`.trim() } : m)),
          );
        }
      },

      async stopReply() {
        const sessionKey = get().activeSessionKey;
        const run = inFlightRun(get().messagesBySession[sessionKey] ?? []);
        if (!run) return;
        try {
          await api.call('chatAbort', { sessionKey, runId: run.runId });
        } catch (err) {
          set({ chatNotice: toCallErrorInfo(err) });
        }
      },

      setLogFilter(filter) {
        set({ logFilter: filter });
      },

      setLogSource(source) {
        set({ logSource: source });
      },

      setAppLink(up) {
        const wasDown = get().appLinkDown;
        set({ appLinkDown: !up });
        // The page's own link carries the chat too: losing it is a connection drop like the gateway's.
        if (!up && !wasDown && chatConfigured()) bannerDown();
        // Events sent while the socket was down are lost: read the chat again (the state is re-read by the adapter).
        if (up && wasDown) {
          if (get().desktop?.gatewayConnected) bannerBack();
          void loadSessions();
          void loadHistory(get().activeSessionKey);
        }
      },
    };

    return {
      host,
      views,
      activeView: initialView && views.includes(initialView) ? initialView : views[0]!,
      desktop: null,
      settings: null,
      settingsForm: null,
      settingsSave: { status: 'idle', message: '' },
      sshPreview: null,
      remoteTest: { running: false, layers: [], error: null },
      deepStatus: null,
      deepStatusLoading: false,
      healthActionError: null,
      diagnostics: { status: 'idle', text: '', error: null },
      remoteHelp: { asking: null, running: null, result: '', lines: [], error: null },
      sessions: [],
      activeSessionKey: DEFAULT_SESSION_KEY,
      activeSessionChosen: false,
      messagesBySession: {},
      drafts: {},
      chatNotice: null,
      banner: null,
      appLinkDown: false,
      logs: [],
      logFilter: '',
      logSource: 'all',
      actions,
    };
  });
  return store;
}
