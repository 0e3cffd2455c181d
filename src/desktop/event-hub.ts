// A typed fan-out for the core's events (state, chat, log). A listener that throws never stops the
// others: one broken window must not silence the tray.

import type { DesktopEventName, DesktopEventPayloads } from '../shared/desktop-api';

type Listener<E extends DesktopEventName> = (payload: DesktopEventPayloads[E]) => void;

export class EventHub {
  private readonly listeners = new Map<DesktopEventName, Set<Listener<DesktopEventName>>>();

  on<E extends DesktopEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const l = listener as Listener<DesktopEventName>;
    set.add(l);
    return () => set.delete(l);
  }

  emit<E extends DesktopEventName>(event: E, payload: DesktopEventPayloads[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch {
        // A listener's failure is its own business.
      }
    }
  }
}
