// Cancellable waits: stopping a component ends its backoff at once instead of waiting it out.

export class Sleeper {
  private readonly pending = new Set<{ timer: ReturnType<typeof setTimeout>; done: () => void }>();

  /** Resolves after ms, or early when cancelAll() is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, Math.max(0, ms)),
        done: resolve,
      };
      this.pending.add(entry);
    });
  }

  cancelAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.done();
    }
    this.pending.clear();
  }
}

/** Resolves true when p settles within ms, false otherwise; the timer never outlives the race. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p.then(() => true, () => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
