/**
 * As many slots as a database's pool has connections, handed out in arrival order. Every stream,
 * statement and transaction takes one before it asks `mssql` for a connection and gives it back
 * once its request has finished, so `mssql`'s own pool never has a waiter: a wait happens here,
 * where an `AbortSignal` ends it at once and a timeout ends it with a clear error (`mssql` can
 * withdraw neither a queued acquire nor a request waiting in one).
 */
export class MssqlConnectionSlots {
  private used = 0;
  private readonly waiting: { grant(): void; fail(error: unknown): void }[] = [];

  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly timeoutError: () => Error,
  ) {}

  /** Slots handed out, and callers waiting for one. */
  get counts(): { readonly used: number; readonly waiting: number } {
    return { used: this.used, waiting: this.waiting.length };
  }

  /**
   * Resolves with the function that gives the slot back (idempotent). Rejects with the signal's
   * reason when it aborts first, or with `timeoutError()` after `timeoutMs`.
   */
  take(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve(this.giver());
    }
    return new Promise<() => void>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
      };
      const entry = {
        grant: () => {
          settle();
          resolve(this.giver());
        },
        fail: (error: unknown) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void => entry.fail(signal?.reason);
      const timer = setTimeout(() => entry.fail(this.timeoutError()), this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Fails every waiter with `error` (the database is closing). */
  failWaiting(error: unknown): void {
    for (const entry of [...this.waiting]) entry.fail(error);
  }

  private giver(): () => void {
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.waiting[0];
      // The slot passes straight to the next waiter, so `used` stays the same.
      if (next !== undefined) next.grant();
      else this.used--;
    };
  }
}
