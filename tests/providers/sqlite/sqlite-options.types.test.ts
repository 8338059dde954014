import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { SqliteOptions } from 'dtde';
import { parseSqliteOptions, sqliteOptionsSchema } from '../../../src/providers/sqlite/sqlite-options.js';

// Compile-time checks: `tsc --noEmit` fails when the documented interface and the zod schema that
// validates it drift apart (an option added, removed, renamed, made required or retyped).
type SchemaInput = z.input<typeof sqliteOptionsSchema>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

describe('SqliteOptions', () => {
  it('names the options the schema validates, no more and no fewer', () => {
    expectTypeOf<keyof SqliteOptions>().toEqualTypeOf<keyof SchemaInput>();
  });

  it('types each option as the schema accepts it, optional exactly where the schema has a default', () => {
    expectTypeOf<Mutable<SqliteOptions>>().toEqualTypeOf<SchemaInput>();
    // Each direction on its own too, for a message that says which side is wider.
    expectTypeOf<SqliteOptions>().toExtend<SchemaInput>();
    expectTypeOf<SchemaInput>().toExtend<SqliteOptions>();
  });

  it('is the input of the validation: the interface validates, and fills every default', () => {
    const options: SqliteOptions = { file: 'app.db' };
    expect(parseSqliteOptions(options)).toEqual({
      file: 'app.db',
      readPoolSize: 8,
      busyTimeoutMs: 5000,
      acquireTimeoutMs: 30_000,
      idleTimeoutMs: 30_000,
      statementCacheSize: 200,
      batchSize: 256,
    });
  });
});
