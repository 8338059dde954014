import { DtdeError } from './dtde-error.js';

/**
 * An entity given to dtde for writing does not fit its model: a required property is missing, a
 * value has the wrong type, a string is longer than its column. Raised before anything is written.
 */
export class DtdeValidationError extends DtdeError {
  override readonly name = 'DtdeValidationError';
  readonly code = 'DTDE_VALIDATION';
  /** The entity class name (`Customer`). */
  readonly entity: string;
  /** The property that failed, when one did. */
  readonly property: string | undefined;
  /** The position of the row in the input (0-based), when the rows came as a sequence. */
  readonly rowIndex: number | undefined;

  constructor(message: string, details: { entity: string; property?: string; rowIndex?: number; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.entity = details.entity;
    this.property = details.property;
    this.rowIndex = details.rowIndex;
  }
}
