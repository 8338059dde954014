import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/metadata/model-builder.js';
import { entityRowSchema } from '../../src/writes/entity-row-schema.js';
import { rowCheck } from '../../src/writes/row-check.js';

// bulkInsert asks rowCheck first and the zod schema only for a batch it refuses, so rowCheck
// must never accept a row the schema refuses; on ordinary rows the two agree.

class Every {
  id!: number;
  big!: bigint | number;
  price!: number;
  code!: string;
  note!: string | null;
  on!: boolean;
  at!: Date;
  uid!: string;
  seq!: number;
}

const model = new ModelBuilder()
  .entity(Every, (e) => {
    e.toTable('Every');
    e.key((x) => x.id);
    e.property((x) => x.id).int();
    e.property((x) => x.big).bigint();
    e.property((x) => x.price).decimal(6, 2);
    e.property((x) => x.code).string(4);
    e.property((x) => x.note)
      .string()
      .nullable();
    e.property((x) => x.on).boolean();
    e.property((x) => x.at).dateTime();
    e.property((x) => x.uid).uuid();
    e.property((x) => x.seq)
      .int()
      .generated();
  })
  .build()
  .entities.get(Every)!;

const good: Record<string, unknown> = {
  id: 1,
  big: 2n ** 40n,
  price: 9999.99,
  code: 'abcd',
  note: null,
  on: true,
  at: new Date(0),
  uid: '0f8fad5b-d9cb-469f-a165-70867728950e',
};

/** Values near and across every limit of every column type, and values of the wrong type. */
const anyValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    0,
    -0,
    1.5,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    9999.99,
    10000,
    -9999.999,
    2n ** 63n - 1n,
    2n ** 63n,
    -(2n ** 63n) - 1n,
    '',
    'abcd',
    'abcde',
    '😀😀',
    '😀😀😀',
    '0F8FAD5B-D9CB-469F-A165-70867728950E',
    '0f8fad5b-d9cb-469f-a165-70867728950',
    true,
    false,
    new Date(Number.NaN),
    new Date('2024-02-29T00:00:00Z'),
    [],
    {},
    '1',
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.string({ maxLength: 6 }),
  fc.uuid(),
  fc.date(),
);

describe('rowCheck', () => {
  it('never accepts a row the zod schema refuses, and accepts what it accepts on ordinary rows', () => {
    const schema = entityRowSchema(model);
    const check = rowCheck(model);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...Object.keys(good)), anyValue, { maxKeys: 3 }), (changes) => {
        const row = { ...good, ...changes };
        for (const [key, value] of Object.entries(changes)) if (value === undefined) delete row[key];
        const accepted = schema.problems(row).length === 0;
        if (check(row)) expect(accepted).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    expect(check(good)).toBe(true);
    expect(check({ ...good, note: 'any length', seq: 7 })).toBe(true);
    for (const bad of [null, 'row', [good]]) expect(check(bad)).toBe(false);
  });
});
