import { expect } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';

/** Runs `fn`, asserts it throws a DtdeConfigurationError, and returns it for message checks. */
export function configError(fn: () => unknown): DtdeConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    return error as DtdeConfigurationError;
  }
  throw new Error('expected a DtdeConfigurationError, but nothing was thrown');
}
