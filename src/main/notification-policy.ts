// When the shell shows a notification (pure, with an injected clock). Users want to hear about a drop
// only when it is not a blip (it lasts more than 10 s), about the recovery after such a drop, and at once
// about anything only they can fix (auth, host key, pairing). Mode switches and quitting are the user's
// own doing and stay silent. Each notice says what to do.

import type { DesktopState, Mode } from '../shared/desktop-api';
import type { ErrorClass } from '../shared/errors';
import type { ShellView } from './views';

export interface Notice {
  title: string;
  body: string;
  /** What a click on the notification opens. */
  view: ShellView;
}

export interface NotificationPolicy {
  /** Feed every state; returns what to show now. */
  observe(state: DesktopState): Notice[];
  /** Call when nextCheckInMs() has passed; returns what became due. */
  poll(): Notice[];
  /** When a pending drop becomes worth a notice, or null when nothing is pending. */
  nextCheckInMs(): number | null;
}

export const LASTING_MS = 10_000;

const NEEDS_USER_NOW: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  'AuthFailed', 'SshAuthFailed', 'PairingRequired', 'HostKeyChanged', 'HostKeyUnknown', 'HostKeyRevoked',
]);
const HOST_KEY_CLASSES: ReadonlySet<ErrorClass> = new Set<ErrorClass>(['HostKeyChanged', 'HostKeyUnknown', 'HostKeyRevoked']);

function isTrouble(state: DesktopState): boolean {
  return state.mode !== 'unconfigured' && (state.phase === 'reconnecting' || state.phase === 'degraded' || state.phase === 'failed');
}

function dropNotice(state: DesktopState): Notice {
  const title =
    state.phase === 'degraded' ? 'Clawdbot gateway is not responding'
      : state.phase === 'failed' ? 'Clawdbot stopped connecting'
        : 'Clawdbot is disconnected';
  const advice =
    state.phase === 'failed'
      ? state.lastError?.hint ?? 'Open Health for details, then Reconnect now from the tray menu.'
      : 'It keeps retrying by itself; choose Reconnect now in the tray menu to try at once.';
  return { title, body: `${state.statusText}. ${advice}`, view: 'health' };
}

function hostKeyNotice(state: DesktopState): Notice | null {
  const prompt = state.hostKeyPrompt;
  if (!prompt) return null;
  return prompt.kind === 'changed'
    ? { title: `The host key for ${prompt.host} changed`, body: `Review old and new fingerprints in Clawdbot before you trust ${prompt.fingerprint}; until then it stays disconnected.`, view: 'settings' }
    : { title: `New host: ${prompt.host}`, body: `Check the fingerprint ${prompt.fingerprint} and trust it in Clawdbot to connect.`, view: 'settings' };
}

export function createNotificationPolicy(options: { now: () => number; lastingMs?: number }): NotificationPolicy {
  const lastingMs = options.lastingMs ?? LASTING_MS;
  let mode: Mode | null = null;
  let latest: DesktopState | null = null;
  let drop: { since: number; notified: boolean } | null = null;
  let shownPromptId: string | null = null;
  let shownErrorKey: string | null = null;

  function poll(): Notice[] {
    if (!drop || drop.notified || !latest || options.now() - drop.since < lastingMs) return [];
    drop.notified = true;
    return [dropNotice(latest)];
  }

  function needsUser(state: DesktopState): Notice[] {
    const notices: Notice[] = [];
    const prompt = hostKeyNotice(state);
    if (state.hostKeyPrompt?.id !== shownPromptId) {
      shownPromptId = state.hostKeyPrompt?.id ?? null;
      if (prompt) notices.push(prompt);
    }
    const error = state.lastError && NEEDS_USER_NOW.has(state.lastError.errorClass) ? state.lastError : null;
    const errorKey = error ? `${error.errorClass}:${error.message}` : null;
    if (errorKey !== shownErrorKey) {
      shownErrorKey = errorKey;
      // A host key prompt already says it, with the fingerprints.
      if (error && !(state.hostKeyPrompt && HOST_KEY_CLASSES.has(error.errorClass))) {
        notices.push({ title: 'Clawdbot needs you', body: `${error.message} ${error.hint}`, view: 'settings' });
      }
    }
    return notices;
  }

  return {
    observe(state) {
      if (state.mode !== mode) drop = null; // the user switched modes: whatever follows is not a drop
      mode = state.mode;
      latest = state;
      const notices = needsUser(state);
      if (isTrouble(state)) {
        // The user already heard about this one; do not repeat it as a "drop" 10 s later.
        drop ??= { since: options.now(), notified: notices.length > 0 };
      } else if (state.phase === 'ready') {
        if (drop?.notified) notices.push({ title: 'Clawdbot is connected again', body: `${state.statusText}.`, view: 'chat' });
        drop = null;
      } else if (state.phase === 'idle' || state.phase === 'stopping') {
        drop = null;
      }
      return [...notices, ...poll()];
    },
    poll,
    nextCheckInMs() {
      if (!drop || drop.notified) return null;
      return Math.max(0, drop.since + lastingMs - options.now());
    },
  };
}
