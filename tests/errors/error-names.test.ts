import { describe, expect, it } from 'vitest';
import {
  DtdeConfigurationError,
  DtdeDatabaseError,
  type DtdeError,
  DtdeInvalidOperationError,
  DtdeRoutingError,
  DtdeShardError,
  DtdeTimeoutError,
  DtdeTranslationError,
  DtdeValidationError,
} from 'dtde';

// A minifier renames classes (`DtdeShardError` becomes `C`), so an error's `name` must not come
// from its class name. Each case renames the class the way a minifier would, then constructs it.
const cases: [string, () => DtdeError, Function][] = [
  ['DtdeConfigurationError', () => new DtdeConfigurationError('m'), DtdeConfigurationError],
  ['DtdeDatabaseError', () => new DtdeDatabaseError('m', { reason: 'failed', database: 'x.db' }), DtdeDatabaseError],
  ['DtdeInvalidOperationError', () => new DtdeInvalidOperationError('m', { operation: 'first' }), DtdeInvalidOperationError],
  ['DtdeRoutingError', () => new DtdeRoutingError('m', { entity: 'Customer', keyValue: 'UK', availableShards: [] }), DtdeRoutingError],
  ['DtdeShardError', () => new DtdeShardError('m', { shardId: 'EU' }), DtdeShardError],
  ['DtdeTimeoutError', () => new DtdeTimeoutError('m', { timeoutMs: 5 }), DtdeTimeoutError],
  ['DtdeTranslationError', () => new DtdeTranslationError('m'), DtdeTranslationError],
  ['DtdeValidationError', () => new DtdeValidationError('m', { entity: 'Customer' }), DtdeValidationError],
];

describe('error names survive minification', () => {
  it.each(cases)('%s keeps its name when its class is renamed', (name, create, cls) => {
    const original = Object.getOwnPropertyDescriptor(cls, 'name')!;
    Object.defineProperty(cls, 'name', { value: 'C', configurable: true });
    try {
      const error = create();
      expect(error.name).toBe(name);
      expect(String(error)).toBe(`${name}: m`);
      expect(error.stack!.split('\n')[0]).toBe(`${name}: m`);
    } finally {
      Object.defineProperty(cls, 'name', original);
    }
  });
});
