/** Releases a lock taken with `AsyncMutex.lock`; calling it twice is harmless. */
export type Unlock = () => void;

/**
 * A first-come-first-served async lock. SQLite has one writer per file and better-sqlite3 runs
 * everything on one connection synchronously, so async transactions on the same writer
 * connection must not interleave: this serialises them.
 */
export class AsyncMutex {
  private locked = false;
  private readonly waiters: Array<(unlock: Unlock) => void> = [];

  /** Waits for the lock; rejects with the signal's reason if aborted first (without taking it). */
  lock(signal?: AbortSignal): Promise<Unlock> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(this.unlocker());
    }
    return new Promise<Unlock>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const grant = (unlock: Unlock): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(unlock);
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get isLocked(): boolean {
    return this.locked;
  }

  private unlocker(): Unlock {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next === undefined) this.locked = false;
      else next(this.unlocker());
    };
  }
}
