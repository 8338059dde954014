/**
 * Base class of every error dtde throws. `code` is stable and safe to branch on; the message
 * names the problem and the fix.
 */
export abstract class DtdeError extends Error {
  abstract readonly code: string;
  /**
   * The class's name (`DtdeShardError`), set as a literal in each class rather than read from the
   * constructor, so it stays right when a minifier renames the classes.
   */
  abstract override readonly name: string;
}
