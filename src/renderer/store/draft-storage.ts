// Drafts also live in sessionStorage, so a reload (or the twin page reopening after its socket dropped)
// keeps what the user was typing. Storage can be unavailable (privacy modes): then drafts live only in memory.
const PREFIX = 'clawdbot.draft.';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function loadDraft(sessionKey: string): string {
  try {
    return storage()?.getItem(PREFIX + sessionKey) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(sessionKey: string, text: string): void {
  try {
    const s = storage();
    if (!s) return;
    if (text) s.setItem(PREFIX + sessionKey, text);
    else s.removeItem(PREFIX + sessionKey);
  } catch {
    // Quota or privacy errors: the in-memory draft is still there.
  }
}
