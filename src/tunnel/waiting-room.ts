// Connections that arrive while the SSH session is down wait here for a few seconds: local sockets
// (paused, so nothing they sent is lost) and in-process streams (Tunnel.openStream). When the session
// comes back they are forwarded; otherwise they are turned away cleanly.

export interface Waiter {
  /** The session is back: forward now. */
  forward(): void;
  /** No session in time, or the tunnel failed or stopped. */
  refuse(): void;
}

interface Entry {
  waiter: Waiter;
  timer: NodeJS.Timeout;
}

export class WaitingRoom {
  private readonly waiting = new Set<Entry>();

  constructor(private readonly waitMs: number) {}

  /** Holds the waiter; returns `leave`, for a waiter that went away by itself (a socket that closed). */
  admit(waiter: Waiter): () => void {
    const entry: Entry = {
      waiter,
      timer: setTimeout(() => {
        this.waiting.delete(entry);
        waiter.refuse();
      }, this.waitMs),
    };
    this.waiting.add(entry);
    return () => {
      clearTimeout(entry.timer);
      this.waiting.delete(entry);
    };
  }

  /** The session is back: forward everyone who waited. */
  release(): void {
    for (const e of this.takeAll()) e.waiter.forward();
  }

  /** The tunnel failed or stopped: nobody is going to be forwarded. */
  closeAll(): void {
    for (const e of this.takeAll()) e.waiter.refuse();
  }

  private takeAll(): Entry[] {
    const entries = [...this.waiting];
    this.waiting.clear();
    for (const e of entries) clearTimeout(e.timer);
    return entries;
  }
}
