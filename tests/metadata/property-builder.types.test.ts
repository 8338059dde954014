import { describe, expect, it } from 'vitest';
import type { EntityTypeBuilder } from '../../src/metadata/entity-type-builder.js';
import { ModelBuilder } from '../../src/metadata/model-builder.js';

// Compile-time checks (`tsc --noEmit` runs in `npm test`): the property builder offers only the
// column types that fit the property's TypeScript type, so `.int()` on a string property does not
// compile instead of failing when rows are loaded. The refused calls sit in a function that never runs.

class Row {
  id!: number;
  count!: number | null;
  big!: bigint;
  either!: number | bigint;
  name!: string;
  code!: 'EU' | 'US';
  note!: string | null | undefined;
  at!: Date;
  flag!: boolean;
  tags!: string[];
  loose!: any;
}

describe('PropertyBuilder typing', () => {
  it('offers the column types that fit each property type', () => {
    const model = new ModelBuilder()
      .entity(Row, (e) => {
        e.toTable('Rows');
        e.key((r) => r.id);
        e.property((r) => r.id)
          .int()
          .generated();
        e.property((r) => r.count)
          .decimal(10, 2)
          .nullable();
        e.property((r) => r.big).bigint();
        e.property((r) => r.either).bigint();
        e.property((r) => r.name)
          .string(20)
          .column('Name');
        e.property((r) => r.code).string(2);
        e.property((r) => r.note)
          .uuid()
          .nullable();
        e.property((r) => r.at).dateTime();
        e.property((r) => r.flag).boolean();
        e.property((r) => r.loose).int();
      })
      .build();
    expect(model.entities.get(Row)!.properties.map((p) => `${p.name}:${p.type.kind}`)).toEqual([
      'id:int',
      'count:decimal',
      'big:bigint',
      'either:bigint',
      'name:string',
      'code:string',
      'note:uuid',
      'at:dateTime',
      'flag:boolean',
      'loose:int',
    ]);
  });

  it('refuses column types that do not fit (compile-time only)', () => {
    const refused = (e: EntityTypeBuilder<Row>) => {
      // @ts-expect-error a number is int, bigint or decimal, not text
      e.property((r) => r.id).string();
      // @ts-expect-error a string property is not an int
      e.property((r) => r.name).int();
      // @ts-expect-error a string property is not a date
      e.property((r) => r.name).dateTime();
      // @ts-expect-error a string literal union is text, not a boolean
      e.property((r) => r.code).boolean();
      // @ts-expect-error a bigint property reads back as bigint: int() would not fit
      e.property((r) => r.big).int();
      // @ts-expect-error number | bigint reads back as bigint, so only bigint() fits
      e.property((r) => r.either).decimal(10, 2);
      // @ts-expect-error a Date is dateTime, not text
      e.property((r) => r.at).string();
      // @ts-expect-error a boolean is boolean, not an int
      e.property((r) => r.flag).int();
      // @ts-expect-error a nullable number is still a number
      e.property((r) => r.count).uuid();
      // @ts-expect-error an array has no column type
      e.property((r) => r.tags).string();
      e.property((r) => r.name)
        .nullable()
        // @ts-expect-error nullable() returns the same typed builder: still no int() for a string
        .int();
    };
    expect(refused).toBeTypeOf('function');
  });
});
