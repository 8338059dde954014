import { DtdeError } from './dtde-error.js';

/**
 * A terminal operation whose result does not exist, as LINQ's InvalidOperationException:
 * `single()` over zero or several rows, `first()` or `average()` over no rows.
 */
export class DtdeInvalidOperationError extends DtdeError {
  override readonly name = 'DtdeInvalidOperationError';
  readonly code = 'DTDE_INVALID_OPERATION';
  readonly operation: string;

  constructor(message: string, details: { operation: string }) {
    super(message);
    this.operation = details.operation;
  }
}
