// The reference's way of keeping a tunnel: `ssh -N -L` with ServerAliveInterval 15 × 3, restarted
// 2 s after every exit. Records when each ssh exited, to time when it noticed a dead link.

import { start, type Child } from './proc';
import { wallMs } from './stats';

export class SshRestartLoop {
  /** Wall clock of every exit of ssh. */
  readonly exits: number[] = [];
  private current: Child | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly args: string[],
    private readonly restartDelayMs = 2000,
  ) {}

  start(): void {
    if (this.stopped) return;
    const child = start('ssh', this.args);
    this.current = child;
    void child.exited.then(() => {
      this.exits.push(wallMs());
      if (!this.stopped) this.timer = setTimeout(() => this.start(), this.restartDelayMs);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.stop();
  }
}
