import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';

/** Throws `DtdeConfigurationError` for a parallelism, timeout or read-ahead the runner cannot honour. */
export function validateRunOptions(options: {
  readonly maxParallel: number;
  readonly timeoutMs?: number;
  readonly highWaterMark?: number;
}): void {
  const { maxParallel, timeoutMs, highWaterMark } = options;
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new DtdeConfigurationError(`maxParallel must be an integer of at least 1, got ${String(maxParallel)}.`, {
      path: 'maxParallelShards',
    });
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new DtdeConfigurationError(`timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}.`, {
      path: 'queryTimeoutMs',
    });
  }
  if (highWaterMark !== undefined && (!Number.isInteger(highWaterMark) || highWaterMark < 1)) {
    throw new DtdeConfigurationError(`highWaterMark must be an integer of at least 1, got ${String(highWaterMark)}.`, {
      path: 'highWaterMark',
    });
  }
}
