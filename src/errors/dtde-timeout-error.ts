import { DtdeError } from './dtde-error.js';

/** A query ran past `queryTimeoutMs` and was cancelled. */
export class DtdeTimeoutError extends DtdeError {
  override readonly name = 'DtdeTimeoutError';
  readonly code = 'DTDE_TIMEOUT';
  readonly timeoutMs: number;

  constructor(message: string, details: { timeoutMs: number }) {
    super(message);
    this.timeoutMs = details.timeoutMs;
  }
}
