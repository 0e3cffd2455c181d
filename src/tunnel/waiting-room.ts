// Local connections accepted while the SSH session is down wait here (paused, so nothing they sent is
// lost) for a few seconds; when the session comes back they are forwarded, otherwise closed cleanly.

import type net from 'node:net';
import { refuse } from './bridge';

interface Waiting {
  socket: net.Socket;
  forward: (socket: net.Socket) => void;
  timer: NodeJS.Timeout;
}

export class WaitingRoom {
  private readonly waiting = new Set<Waiting>();

  constructor(private readonly waitMs: number) {}

  /** Holds the socket; `forward` runs when release() is called in time. */
  admit(socket: net.Socket, forward: (socket: net.Socket) => void): void {
    const entry: Waiting = {
      socket,
      forward,
      timer: setTimeout(() => {
        this.waiting.delete(entry);
        refuse(socket);
      }, this.waitMs),
    };
    this.waiting.add(entry);
    socket.once('close', () => {
      clearTimeout(entry.timer);
      this.waiting.delete(entry);
    });
  }

  /** The session is back: forward everyone who waited. */
  release(): void {
    const entries = [...this.waiting];
    this.waiting.clear();
    for (const e of entries) {
      clearTimeout(e.timer);
      if (!e.socket.destroyed) e.forward(e.socket);
    }
  }

  /** The tunnel failed or stopped: nobody is going to be forwarded. */
  closeAll(): void {
    const entries = [...this.waiting];
    this.waiting.clear();
    for (const e of entries) {
      clearTimeout(e.timer);
      refuse(e.socket);
    }
  }
}
