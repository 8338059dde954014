import { DtdeError } from './dtde-error.js';

// Errors already pointed at a call site: an error passing through two dtde entry points (a
// terminal that builds a lambda, say) keeps the outermost user frame it was given first.
const relocated = new WeakSet<object>();

/** User frames a terminal records before it runs: the line that called it and that line's caller. */
const EARLY_FRAMES = 2;

/**
 * Where user code called a public dtde operator or terminal, so that an error raised for that call
 * (at once while building, or later inside the engine) points at the user's line, as Prisma's
 * "invalid invocation in file:line" does: its stack starts with the user's frames (dtde's own
 * frames are dropped) and its message ends with `In .toArray() at file:line:col`.
 *
 * Capturing records the stack without formatting it (V8 formats on first read), but walking the
 * stack still costs per frame (about half a microsecond each on a loaded machine, more than a
 * cached query plan). A terminal must capture before it knows whether the query fails, since an
 * engine error arrives after the user's frames are gone: `captureEarly` keeps only the frames an
 * error needs (the user's line and its caller). Where the failure is known while the user's
 * frames are still on the stack (a synchronous throw), `capture` takes the full stack then.
 *
 * @example
 * toArray(options) {
 *   const site = CallSite.captureEarly(Queryable.prototype.toArray, '.toArray()');
 *   return this.executor.execute(...).catch((error) => { throw site.relocate(error); });
 * }
 */
export class CallSite {
  readonly #holder: { stack?: string };
  readonly #label: string;

  private constructor(holder: { stack?: string }, label: string) {
    this.#holder = holder;
    this.#label = label;
  }

  /**
   * The call site of `api`, the public function the user called (by reference, not by name, so a
   * minifier cannot break it): the frames above its own. Must run while `api` is on the stack.
   * `label` names the call in the message (`.where()`, `for await`).
   */
  static capture(api: Function, label: string): CallSite {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, api);
    return new CallSite(holder, label);
  }

  /**
   * As `capture`, for a call whose failure may come later (a terminal, a stream): only the first
   * `EARLY_FRAMES` user frames are recorded (fewer if the user lowered `Error.stackTraceLimit`),
   * so the common case, a query that succeeds, pays for two frames instead of ten.
   */
  static captureEarly(api: Function, label: string): CallSite {
    const limit = Error.stackTraceLimit;
    if (typeof limit !== 'number' || limit <= EARLY_FRAMES) return CallSite.capture(api, label);
    Error.stackTraceLimit = EARLY_FRAMES;
    try {
      return CallSite.capture(api, label);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /**
   * Points `error` at this call site when it is a dtde error (and not pointed yet): its stack
   * becomes its header plus the user's frames, and its message gains the user's `file:line:col`.
   * Anything else (an abort reason, a user's own error) is returned unchanged.
   */
  relocate(error: unknown): unknown {
    if (!(error instanceof DtdeError) || relocated.has(error)) return error;
    const frames = (this.#holder.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
    if (frames.length === 0) return error;
    relocated.add(error);
    const location = /\((.*)\)$/.exec(frames[0]!)?.[1] ?? frames[0]!.slice('    at '.length);
    error.message = `${error.message}\nIn ${this.#label} at ${location}`;
    error.stack = `${error.name}: ${error.message}\n${frames.join('\n')}`;
    return error;
  }
}
