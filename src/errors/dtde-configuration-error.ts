import { DtdeError } from './dtde-error.js';

/** The model, the shard layout or the context options are invalid. Raised at configuration time. */
export class DtdeConfigurationError extends DtdeError {
  override readonly name = 'DtdeConfigurationError';
  readonly code = 'DTDE_CONFIGURATION';
  /** Where the problem is, e.g. `Customer.shardBy` or `options.maxParallelShards`. */
  readonly path: string | undefined;

  constructor(message: string, details: { path?: string; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.path = details.path;
  }
}
