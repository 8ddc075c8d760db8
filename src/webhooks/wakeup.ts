/**
 * The pause between two rounds of a polling loop (the sender's and the materialiser's): it lasts
 * the poll interval, unless `kick()` comes first, whether before or during the pause.
 */
export class Wakeup {
  private kicked = false;
  private cut: (() => void) | null = null;

  /** Ends the current pause, or makes the next one end at once. */
  kick(): void {
    this.kicked = true;
    this.cut?.();
  }

  /** Call at the start of a round: kicks before this point are served by the round. */
  startRound(): void {
    this.kicked = false;
  }

  /** Waits up to `ms` (not keeping the process alive), or not at all when kicked since the round started. */
  pause(ms: number): Promise<void> {
    if (this.kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.cut = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.cut = done;
    });
  }
}
