/**
 * A broadcast wake-up: `wait()` returns a promise that settles at the next `notify()`. Waiters
 * re-check their condition after waking, so spurious wake-ups are harmless. Never rejects, so
 * an abandoned waiter cannot cause an unhandled rejection.
 */
export class Notifier {
  private promise: Promise<void> | undefined;
  private resolve: (() => void) | undefined;

  wait(): Promise<void> {
    if (!this.promise) this.promise = new Promise<void>((resolve) => (this.resolve = resolve));
    return this.promise;
  }

  notify(): void {
    const resolve = this.resolve;
    this.promise = undefined;
    this.resolve = undefined;
    resolve?.();
  }
}
