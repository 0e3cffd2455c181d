// Chat deltas of one run go out at most every 150 ms (spec §10.1). Pieces in between are folded into
// the next delta; a trailing timer sends the last fold, so a pause in the stream does not hide text.

export const DELTA_INTERVAL_MS = 150;

export class DeltaThrottle {
  private lastSentAt = -Infinity;
  private pendingSeq: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** `send(seq, at)`: `at` is the send time the interval is measured from (the delta's timestamp). */
  constructor(private readonly send: (seq: number, at: number) => void, private readonly intervalMs = DELTA_INTERVAL_MS) {}

  /** A new piece arrived, carried by the agent event `seq`. */
  push(seq: number): void {
    const now = Date.now();
    if (now - this.lastSentAt >= this.intervalMs) {
      this.emit(seq, now);
      return;
    }
    this.pendingSeq = seq;
    this.schedule(now);
  }

  /** The run ended: nothing more goes out (the terminal event carries the full text). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingSeq = undefined;
  }

  private schedule(now: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const at = Date.now();
      if (this.pendingSeq === undefined) return;
      // Timers may fire a millisecond early by the wall clock; never send before the interval is up.
      if (at - this.lastSentAt < this.intervalMs) this.schedule(at);
      else this.emit(this.pendingSeq, at);
    }, this.intervalMs - (now - this.lastSentAt));
  }

  private emit(seq: number, now: number): void {
    this.pendingSeq = undefined;
    this.lastSentAt = now;
    this.send(seq, now);
  }
}
