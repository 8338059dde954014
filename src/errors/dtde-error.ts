/**
 * Base class of every error dtde throws. `code` is stable and safe to branch on; the message
 * names the problem and the fix.
 */
export abstract class DtdeError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
