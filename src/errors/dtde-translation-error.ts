import { DtdeError } from './dtde-error.js';

/**
 * A lambda or query shape dtde cannot translate: raised when the query is built or planned,
 * before any I/O. `lambdaSource` and `position` point at the unsupported part.
 */
export class DtdeTranslationError extends DtdeError {
  override readonly name = 'DtdeTranslationError';
  readonly code = 'DTDE_TRANSLATION';
  readonly lambdaSource: string | undefined;
  /** Offset of the unsupported part in `lambdaSource` (start, end), when known. */
  readonly position: { start: number; end: number } | undefined;

  constructor(message: string, details: { lambdaSource?: string; position?: { start: number; end: number }; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.lambdaSource = details.lambdaSource;
    this.position = details.position;
  }
}
